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
        float[] scales = new float[maxAbs.length];
        for (int c = 0; c < scales.length; c++) {
            Quantizer.requireWithin(LIMIT, maxAbs[c], weights, name, scheme);
            scales[c] = maxAbs[c] == 0f ? 1f : floorAtNormal(maxAbs[c] / qmax);
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
        float[][] range = ChannelStats.range(weights, layout);
        float[] lo = range[0];
        float[] hi = range[1];
        float[] scales = new float[lo.length];
        int[] zeroPoints = new int[lo.length];
        for (int c = 0; c < scales.length; c++) {
            Quantizer.requireWithin(LIMIT, lo[c], weights, name, scheme);
            Quantizer.requireWithin(LIMIT, hi[c], weights, name, scheme);
            double span = (double) hi[c] - lo[c];
            scales[c] = span == 0 ? 1f : floorAtNormal((float) (span / levels));
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
