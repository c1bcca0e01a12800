package io.qsvit.quant;

import java.util.Arrays;

/**
 * Applies a {@link ScaleRule}: the per-channel magnitude (symmetric schemes) or range (asymmetric ones) that
 * a quantizer turns into its scale. Max-abs passes the channel statistics through untouched, so its results
 * are the quantizers' as they always were.
 */
final class ScaleSelection {
    private ScaleSelection() {
    }

    /** Squared error of one channel's weights quantized over the range [lo, hi]. */
    @FunctionalInterface
    interface ChannelError {
        double of(int channel, float lo, float hi);
    }

    /**
     * The magnitude each channel's levels reach; {@code maxAbs} holds the channels' largest magnitudes and is
     * returned as it is for max-abs. A channel whose clipped magnitude would be 0 keeps its maximum.
     */
    static float[] magnitudes(ScaleRule rule, float[] weights, ChannelLayout layout, float[] maxAbs, ChannelError error) {
        if (rule instanceof ScaleRule.MaxAbs) {
            return maxAbs;
        }
        float[] chosen = maxAbs.clone();
        for (int c = 0; c < chosen.length; c++) {
            if (maxAbs[c] == 0f) {
                continue;
            }
            if (rule instanceof ScaleRule.Percentile p) {
                float[] magnitudes = channel(weights, layout, c);
                for (int i = 0; i < magnitudes.length; i++) {
                    magnitudes[i] = Math.abs(magnitudes[i]);
                }
                float clip = nearestRank(magnitudes, p.fraction());
                chosen[c] = clip > 0f ? clip : maxAbs[c];
            } else {
                double best = error.of(c, -maxAbs[c], maxAbs[c]);
                for (int k = 1; k < ScaleRule.Mse.RATIOS; k++) {
                    float m = (float) (ScaleRule.Mse.ratio(k) * maxAbs[c]);
                    if (m == 0f) {
                        break;
                    }
                    double e = error.of(c, -m, m);
                    if (e < best) {
                        best = e;
                        chosen[c] = m;
                    }
                }
            }
        }
        return chosen;
    }

    /**
     * The range each channel's levels cover, as {lo, hi} with lo <= 0 <= hi; {@code range} holds the channels'
     * min(min(w), 0) and max(max(w), 0) and is returned as it is for max-abs.
     */
    static float[][] ranges(ScaleRule rule, float[] weights, ChannelLayout layout, float[][] range, ChannelError error) {
        if (rule instanceof ScaleRule.MaxAbs) {
            return range;
        }
        float[] lo = range[0].clone();
        float[] hi = range[1].clone();
        for (int c = 0; c < lo.length; c++) {
            if (lo[c] == 0f && hi[c] == 0f) {
                continue;
            }
            if (rule instanceof ScaleRule.Percentile p) {
                float[] values = channel(weights, layout, c);
                int negatives = 0;
                for (float v : values) {
                    negatives += v < 0 ? 1 : 0;
                }
                float[] below = new float[negatives];
                float[] above = new float[values.length - negatives];
                int b = 0;
                int a = 0;
                for (float v : values) {
                    if (v < 0) {
                        below[b++] = -v;
                    } else {
                        above[a++] = v;
                    }
                }
                float clipLo = below.length == 0 ? 0f : nearestRank(below, p.fraction());
                float clipHi = above.length == 0 ? 0f : nearestRank(above, p.fraction());
                if (clipLo > 0f || clipHi > 0f) {
                    lo[c] = -clipLo;
                    hi[c] = clipHi;
                }
            } else {
                float lo0 = lo[c];
                float hi0 = hi[c];
                double best = error.of(c, lo0, hi0);
                for (int k = 1; k < ScaleRule.Mse.RATIOS; k++) {
                    double r = ScaleRule.Mse.ratio(k);
                    float l = (float) (r * lo0);
                    float h = (float) (r * hi0);
                    if (l == 0f && h == 0f) {
                        break;
                    }
                    double e = error.of(c, l, h);
                    if (e < best) {
                        best = e;
                        lo[c] = l;
                        hi[c] = h;
                    }
                }
            }
        }
        return new float[][] {lo, hi};
    }

    /** A copy of channel c's values, in index order. */
    static float[] channel(float[] weights, ChannelLayout layout, int c) {
        int inner = layout.inner();
        float[] values = new float[layout.outer() * inner];
        for (int o = 0; o < layout.outer(); o++) {
            System.arraycopy(weights, (o * layout.channels() + c) * inner, values, o * inner, inner);
        }
        return values;
    }

    /** The smallest value with at least {@code fraction} of the values at or below it; sorts the array. */
    private static float nearestRank(float[] values, double fraction) {
        Arrays.sort(values);
        int rank = (int) Math.ceil(fraction * values.length);
        return values[Math.max(0, Math.min(values.length, rank) - 1)];
    }
}
