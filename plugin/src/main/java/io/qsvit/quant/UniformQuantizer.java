package io.qsvit.quant;

/** Uniform quantization, symmetric or asymmetric; the formulas are in {@link Quantizer}'s documentation. */
final class UniformQuantizer {
    /** Largest weight magnitude whose grid stays finite, see {@link Quantizer}. */
    private static final float LIMIT = Float.MAX_VALUE / 2;

    private UniformQuantizer() {
    }

    static QuantizedTensor symmetric(Scheme.Uniform scheme, float[] weights, int[] shape, int axis,
                                     ChannelLayout layout, String name) {
        int qmax = (1 << (scheme.bits() - 1)) - 1;
        float[] maxAbs = ChannelStats.maxAbs(weights, layout);
        for (float m : maxAbs) {
            Quantizer.requireWithin(LIMIT, m, weights, name, scheme);
        }
        float[] clip = ScaleSelection.magnitudes(scheme.scale(), weights, layout, maxAbs,
                (c, lo, hi) -> symmetricError(weights, layout, c, symmetricScale(hi, qmax), qmax));
        float[] scales = new float[clip.length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = symmetricScale(clip[c], qmax);
        }
        Codes codes = Codes.allocate(weights.length, scheme.containerBits(), true);
        int inner = layout.inner();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (float scale : scales) {
                for (int end = index + inner; index < end; index++) {
                    int code = (int) Math.rint(weights[index] / scale);
                    codes.set(index, Math.max(-qmax, Math.min(qmax, code)));
                }
            }
        }
        return QuantizedTensor.uniform(scheme, shape, axis, scales, new int[0], codes);
    }

    static QuantizedTensor asymmetric(Scheme.Uniform scheme, float[] weights, int[] shape, int axis,
                                      ChannelLayout layout, String name) {
        int levels = (1 << scheme.bits()) - 1;
        float[][] measured = ChannelStats.range(weights, layout);
        for (int c = 0; c < measured[0].length; c++) {
            Quantizer.requireWithin(LIMIT, measured[0][c], weights, name, scheme);
            Quantizer.requireWithin(LIMIT, measured[1][c], weights, name, scheme);
        }
        float[][] range = ScaleSelection.ranges(scheme.scale(), weights, layout, measured,
                (c, l, h) -> asymmetricError(weights, layout, c, asymmetricScale(l, h, levels), l, levels));
        float[] lo = range[0];
        float[] hi = range[1];
        float[] scales = new float[lo.length];
        int[] zeroPoints = new int[lo.length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = asymmetricScale(lo[c], hi[c], levels);
            zeroPoints[c] = clamp((int) Math.rint(-lo[c] / scales[c]), 0, levels);
        }
        Codes codes = Codes.allocate(weights.length, scheme.containerBits(), false);
        int inner = layout.inner();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int c = 0; c < scales.length; c++) {
                float scale = scales[c];
                int zeroPoint = zeroPoints[c];
                for (int end = index + inner; index < end; index++) {
                    int code = (int) Math.rint(weights[index] / scale) + zeroPoint;
                    codes.set(index, clamp(code, 0, levels));
                }
            }
        }
        return QuantizedTensor.uniform(scheme, shape, axis, scales, zeroPoints, codes);
    }

    private static float symmetricScale(float magnitude, int qmax) {
        return magnitude == 0f ? 1f : floorAtNormal(magnitude / qmax);
    }

    private static float asymmetricScale(float lo, float hi, int levels) {
        double span = (double) hi - lo;
        return span == 0 ? 1f : floorAtNormal((float) (span / levels));
    }

    /** Squared error of channel c under a symmetric scale, with the codes and values the quantizer gives. */
    private static double symmetricError(float[] weights, ChannelLayout layout, int c, float scale, int qmax) {
        double sum = 0;
        int inner = layout.inner();
        for (int o = 0; o < layout.outer(); o++) {
            for (int index = (o * layout.channels() + c) * inner, end = index + inner; index < end; index++) {
                int code = Math.max(-qmax, Math.min(qmax, (int) Math.rint(weights[index] / scale)));
                double d = (double) weights[index] - (float) code * scale;
                sum += d * d;
            }
        }
        return sum;
    }

    /** Squared error of channel c under an asymmetric grid, with the codes and values the quantizer gives. */
    private static double asymmetricError(float[] weights, ChannelLayout layout, int c, float scale, float lo,
                                          int levels) {
        int zeroPoint = clamp((int) Math.rint(-lo / scale), 0, levels);
        double sum = 0;
        int inner = layout.inner();
        for (int o = 0; o < layout.outer(); o++) {
            for (int index = (o * layout.channels() + c) * inner, end = index + inner; index < end; index++) {
                int code = clamp((int) Math.rint(weights[index] / scale) + zeroPoint, 0, levels);
                double d = (double) weights[index] - (float) (code - zeroPoint) * scale;
                sum += d * d;
            }
        }
        return sum;
    }

    /**
     * A subnormal scale has too few significant bits to be recomputed from the dequantized weights (symmetric
     * quantization would not be idempotent), and one that underflows to 0 would divide by zero; channels that
     * small (every weight below about 1e-38 times qmax) get the smallest normal float instead.
     */
    private static float floorAtNormal(float scale) {
        return Math.max(scale, Float.MIN_NORMAL);
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
