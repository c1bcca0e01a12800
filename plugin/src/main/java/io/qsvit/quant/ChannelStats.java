package io.qsvit.quant;

/**
 * Per-channel extremes in one pass over the weights. Accumulators start at 0, which gives the quantizers'
 * ranges directly (maxAbs of an empty or all-zero channel is 0; min is at most 0, max at least 0), and
 * Math.max / Math.min propagate NaN, so a non-finite weight shows up as a non-finite statistic.
 */
final class ChannelStats {
    private ChannelStats() {
    }

    static float[] maxAbs(float[] weights, ChannelLayout layout) {
        float[] maxAbs = new float[layout.channels()];
        int inner = layout.inner();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int c = 0; c < maxAbs.length; c++) {
                float m = maxAbs[c];
                for (int end = index + inner; index < end; index++) {
                    m = Math.max(m, Math.abs(weights[index]));
                }
                maxAbs[c] = m;
            }
        }
        return maxAbs;
    }

    /** min(min(w), 0) per channel, then max(max(w), 0) per channel. */
    static float[][] range(float[] weights, ChannelLayout layout) {
        float[] lo = new float[layout.channels()];
        float[] hi = new float[layout.channels()];
        int inner = layout.inner();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int c = 0; c < lo.length; c++) {
                float min = lo[c];
                float max = hi[c];
                for (int end = index + inner; index < end; index++) {
                    float w = weights[index];
                    min = Math.min(min, w);
                    max = Math.max(max, w);
                }
                lo[c] = min;
                hi[c] = max;
            }
        }
        return new float[][] {lo, hi};
    }
}
