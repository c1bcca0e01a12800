package io.qsvit.model.opset;

/**
 * float32 to the 16-bit float formats, rounding to nearest even as a cast does (Java 17 has no
 * Float.floatToFloat16). Only the scalars that replace float attributes (Clip bounds, Pad values) use it.
 */
final class Half {
    private Half() {
    }

    /** IEEE 754 binary16 bits of {@code value}. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) { // infinity or NaN (kept quiet)
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00); // overflow: infinity
        }
        if (e <= 0) { // subnormal half, or zero
            if (e < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x800000;
            int shift = 14 - e;
            int half = m >> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mantissa >> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, up to infinity: both correct
        }
        return (short) (sign | half);
    }

    /** bfloat16 bits of {@code value}: the upper half of the float32, rounded to nearest even. */
    static short bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
