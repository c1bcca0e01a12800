package io.qsvit.quant;

/**
 * What a scheme loses of one weight tensor, in counts: weights beyond the range it can hold (fixed point
 * saturates or wraps them; scale-based schemes fit their scale to the largest weight, so none), and non-zero
 * weights it rounds to zero. The two failure modes of a fixed integer/fraction split, which explain where a
 * format fails and a scale-based scheme of the same width does not.
 *
 * @param params     weights in the tensor(s)
 * @param overflowed weights whose rounded code lies outside the format's codes (saturated or wrapped)
 * @param zeroed     non-zero weights whose quantized value is zero
 * @param maxAbs     the largest weight magnitude
 */
public record WeightLoss(long params, long overflowed, long zeroed,
                         @com.fasterxml.jackson.annotation.JsonProperty("max_abs") float maxAbs) {
    public static final WeightLoss NONE = new WeightLoss(0, 0, 0, 0);

    /** Counts for one tensor quantized under {@code scheme} (its quantized form given, to avoid a second pass). */
    public static WeightLoss of(float[] weights, QuantizedTensor quantized, Scheme scheme) {
        float[] values = quantized.dequantize();
        long overflowed = 0;
        long zeroed = 0;
        float maxAbs = 0;
        for (int i = 0; i < weights.length; i++) {
            float w = weights[i];
            maxAbs = Math.max(maxAbs, Math.abs(w));
            if (w != 0 && values[i] == 0) {
                zeroed++;
            }
            if (scheme instanceof Scheme.Fixed f && outOfRange(f, w)) {
                overflowed++;
            }
        }
        return new WeightLoss(weights.length, overflowed, zeroed, maxAbs);
    }

    private static boolean outOfRange(Scheme.Fixed f, float w) {
        double x = Math.scalb((double) w, f.fracBits());
        double rounded = f.rounding() == Scheme.Fixed.Rounding.NEAREST_EVEN ? Math.rint(x) : Math.floor(x);
        // stochastic rounding may go up from floor(x): out of range when even its floor is
        return rounded < f.minCode() || rounded > f.maxCode();
    }

    /** Both counts added, the larger magnitude kept. */
    public WeightLoss plus(WeightLoss other) {
        return new WeightLoss(params + other.params, overflowed + other.overflowed, zeroed + other.zeroed,
                Math.max(maxAbs, other.maxAbs));
    }
}
