package io.qsvit.quant;

/**
 * Power-of-two quantization: each weight goes to the nearest of 0 and plus or minus scale * 2^-j; the
 * formulas and the code mapping are in {@link Quantizer} and {@link Pow2Levels}.
 */
final class Pow2Quantizer {
    private Pow2Quantizer() {
    }

    static QuantizedTensor quantize(Scheme.Pow2 scheme, float[] weights, int[] shape, int axis,
                                    ChannelLayout layout, String name) {
        int n = Pow2Levels.magnitudes(scheme.bits());
        float[] table = Pow2Levels.table(scheme.bits());
        float[] maxAbs = ChannelStats.maxAbs(weights, layout);
        for (float m : maxAbs) {
            Quantizer.requireWithin(Float.MAX_VALUE, m, weights, name, scheme);
        }
        float[] clip = ScaleSelection.magnitudes(scheme.scale(), weights, layout, maxAbs,
                (c, lo, hi) -> channelError(weights, layout, c, hi, n, table));
        int channels = clip.length;
        float[] scales = new float[channels];
        // per channel, n + 2 bounds: +infinity, then the midpoints between neighbouring positive levels
        // (level j and j + 1, the last one and 0), then -infinity. The levels are taken exactly as
        // dequantization computes them, table[2n - j] * scale; the midpoints are exact in double, as
        // neighbours differ by a factor of at most 2 (or the lower one is 0). The infinities stop the search.
        int stride = n + 2;
        double[] bounds = new double[channels * stride];
        for (int c = 0; c < channels; c++) {
            scales[c] = clip[c] == 0f ? 1f : clip[c];
            fillBounds(bounds, c * stride, scales[c], n, table);
        }
        Codes codes = Codes.allocate(weights.length, scheme.containerBits(), false);
        int inner = layout.inner();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int c = 0; c < channels; c++) {
                int base = c * stride;
                int scaleBits = Float.floatToRawIntBits(scales[c]);
                for (int end = index + inner; index < end; index++) {
                    int bits = Float.floatToRawIntBits(weights[index]);
                    int j = nearest(bits & 0x7FFF_FFFF, scaleBits, n, base, bounds);
                    // code = n + sign * (n - j), without a branch on the sign: negate n - j when bits < 0
                    int negative = bits >> 31;
                    codes.set(index, n + (((n - j) ^ negative) - negative));
                }
            }
        }
        return QuantizedTensor.pow2(scheme, shape, axis, scales, codes);
    }

    private static void fillBounds(double[] bounds, int base, float scale, int n, float[] table) {
        bounds[base] = Double.POSITIVE_INFINITY;
        float upper = table[2 * n] * scale;
        for (int j = 0; j < n; j++) {
            float lower = table[2 * n - j - 1] * scale;
            bounds[base + 1 + j] = ((double) upper + lower) / 2;
            upper = lower;
        }
        bounds[base + n + 1] = Double.NEGATIVE_INFINITY;
    }

    /** Squared error of channel c with levels up to {@code scale}, with the values the quantizer gives. */
    private static double channelError(float[] weights, ChannelLayout layout, int c, float scale, int n, float[] table) {
        double[] bounds = new double[n + 2];
        fillBounds(bounds, 0, scale, n, table);
        int scaleBits = Float.floatToRawIntBits(scale);
        double sum = 0;
        int inner = layout.inner();
        for (int o = 0; o < layout.outer(); o++) {
            for (int index = (o * layout.channels() + c) * inner, end = index + inner; index < end; index++) {
                float w = weights[index];
                int j = nearest(Float.floatToRawIntBits(w) & 0x7FFF_FFFF, scaleBits, n, 0, bounds);
                double d = (double) Math.abs(w) - table[2 * n - j] * scale;
                sum += d * d;
            }
        }
        return sum;
    }

    /**
     * The index j of the nearest level scale * 2^-j to the magnitude with float bits {@code magnitude}, n
     * meaning zero: the number of midpoints above it, so that a magnitude exactly halfway between two
     * levels goes to the larger one. Zero (and -0.0) gets n even where the lowest levels underflow to 0;
     * any other magnitude is at least Float.MIN_VALUE, nearer a nonzero level than an underflowed one.
     * <p>
     * The first guess is exact for normal floats: with binary exponents e and mantissas m, the largest
     * level not above a is 2^-(e_scale - e_a) * scale, or the next one down when m_a < m_scale. The
     * rounding step moves to the larger neighbour when a is at least their midpoint; the loops only settle
     * subnormals, whose bits say less.
     */
    private static int nearest(int magnitude, int scaleBits, int n, int base, double[] bounds) {
        if (magnitude == 0) {
            return n;
        }
        int exponentGap = (scaleBits >>> 23) - (magnitude >>> 23);
        int mantissaBelow = ((magnitude & 0x7F_FFFF) - (scaleBits & 0x7F_FFFF)) >>> 31;
        // at least 0: a clipped scale (see ScaleRule) leaves magnitudes above the top level, which it takes
        int j = Math.max(0, Math.min(n, exponentGap + mantissaBelow));
        float a = Float.intBitsToFloat(magnitude);
        // the rounding step is a coin toss for real weights, so it is done without a branch: a - bound has
        // its sign bit clear exactly when a >= bound (equal values give +0.0)
        j -= 1 - (int) (Double.doubleToRawLongBits(a - bounds[base + j]) >>> 63);
        while (a >= bounds[base + j]) {
            j--;
        }
        while (a < bounds[base + j + 1]) {
            j++;
        }
        return j;
    }
}
