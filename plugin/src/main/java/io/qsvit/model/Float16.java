package io.qsvit.model;

/**
 * IEEE 754 binary16 (ONNX FLOAT16) and bfloat16 conversions. Java 17 has no half-precision type, so the bit
 * patterns are converted by hand: widening is exact, narrowing rounds to nearest, ties to even (what ONNX
 * Runtime's Cast computes).
 */
public final class Float16 {
    private Float16() {
    }

    /** The float32 value of a binary16 bit pattern (exact: every half is a float). */
    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** The binary16 bit pattern nearest to {@code value} (ties to even; overflow to infinity; NaN kept NaN). */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xff;
        int mantissa = f & 0x7fffff;
        if (exponent == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: rounds to zero
            }
            // subnormal half: shift the full significand (implicit 1 included) into place, rounding
            int significand = mantissa | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        int rounded = roundShift(mantissa, 13);
        // a mantissa that rounds up to 0x400 carries into the exponent, which the addition does by itself
        return (short) (sign | ((e << 10) + rounded));
    }

    /** value >> shift, rounded to nearest with ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || rest == half && (kept & 1) == 1) {
            kept++;
        }
        return kept;
    }

    /** True when the float32 value converts to binary16 and back unchanged. */
    public static boolean representable(float value) {
        return Float.floatToRawIntBits(toFloat(fromFloat(value))) == Float.floatToRawIntBits(value) || Float.isNaN(value);
    }

    /** The float32 value of a bfloat16 bit pattern (the upper half of a float32). */
    public static float bfloatToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The bfloat16 bit pattern nearest to {@code value} (ties to even; NaN kept NaN). */
    public static short bfloatFromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((f >>> 16) | 0x40);
        }
        int rounded = f + 0x7fff + ((f >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
