package io.qsvit.quant;

/**
 * How a scheme picks the range its levels cover, per channel (or for the whole tensor): the largest
 * magnitude ({@link MaxAbs}, the default, every weight representable), the clipping that minimises the
 * weights' squared quantization error ({@link Mse}), or a percentile of the magnitudes ({@link Percentile}).
 * Clipping trades a large error on a few outliers for a finer grid for all the others. Written after the
 * scheme as a further colon-separated field: {@code uniform4:mse}, {@code pow2-4:p99.9}; max-abs writes
 * nothing, so today's ids keep their meaning. The chosen scale is what a real artifact stores, so the
 * rule changes nothing downstream of quantization.
 */
public sealed interface ScaleRule permits ScaleRule.MaxAbs, ScaleRule.Mse, ScaleRule.Percentile {
    MaxAbs MAX_ABS = new MaxAbs();
    Mse MSE = new Mse();

    /** The field as written in a scheme id, without the colon; empty for max-abs. */
    String id();

    /** The range reaches the largest magnitude. */
    record MaxAbs() implements ScaleRule {
        @Override
        public String id() {
            return "";
        }
    }

    /**
     * The range is clipped to r times the largest magnitude, r from {@link #RATIOS} (1.00, 0.99, ..., 0.20),
     * choosing per channel the r whose quantized weights have the least squared error (the first, so the
     * largest r, on ties; r = 1 is max-abs, so mse is never worse than max-abs on the weights).
     */
    record Mse() implements ScaleRule {
        /** Number of clip ratios tried: 1 - k / 100 for k = 0..80. */
        public static final int RATIOS = 81;

        static double ratio(int k) {
            return 1 - k / 100.0;
        }

        @Override
        public String id() {
            return "mse";
        }
    }

    /**
     * The range reaches the given percentile of the channel's magnitudes (nearest rank: the smallest magnitude
     * with at least p% of the channel at or below it); asymmetric schemes take the percentile of the negative
     * and of the positive values separately. Written {@code p} then 50 to 99.999 with at most three decimals
     * and no trailing zero, e.g. {@code p99.9}.
     *
     * @param thousandths the percentile times 1000 (99.9 is 99900), exact so that equal texts are equal rules
     */
    record Percentile(int thousandths) implements ScaleRule {
        public static final int MIN = 50_000;
        public static final int MAX = 99_999;

        public Percentile {
            if (thousandths < MIN || thousandths > MAX) {
                throw new IllegalArgumentException("percentile must be 50..99.999, got " + thousandths / 1000.0);
            }
        }

        /** The percentile as a fraction, 0.999 for p99.9. */
        public double fraction() {
            return thousandths / 100_000.0;
        }

        @Override
        public String id() {
            StringBuilder text = new StringBuilder("p").append(thousandths / 1000);
            int decimals = thousandths % 1000;
            if (decimals != 0) {
                String digits = String.format(java.util.Locale.ROOT, "%03d", decimals);
                text.append('.').append(digits.replaceAll("0+$", ""));
            }
            return text.toString();
        }
    }
}
