package io.qsvit.quant;

import java.util.SplittableRandom;

/**
 * Fixed-point quantization Qm.n ({@link Scheme.Fixed}). For each weight w, x = w * 2^n (exact in double: a
 * float times a power of two), then:
 * <ul>
 * <li><b>truncate</b>: c = floor(x), the low bits dropped as two's complement hardware drops them; the error
 *     c * 2^-n - w lies in (-2^-n, 0]: never positive, so truncation biases every weight down.</li>
 * <li><b>nearest</b>: c = rint(x), ties to even; error within +-2^-n / 2.</li>
 * <li><b>stochastic</b>: c = floor(x) + 1 with probability x - floor(x) (computed exactly), else floor(x); the
 *     uniform draws come from a {@link SplittableRandom} seeded with the scheme's seed mixed with the tensor's
 *     name, one draw per element in row-major order, so a setting quantizes a model the same way every time.</li>
 * </ul>
 * Then overflow: <b>saturate</b> clamps c to [-2^(b-1), 2^(b-1) - 1]; <b>wrap</b> keeps c modulo 2^b in that
 * range (two's complement). The value is (float) c * 2^-n: Cast to float then one multiply by the power-of-two
 * scale, which is what the real artifact's decode computes, so simulated == real bit for bit (for codes beyond
 * 2^24 the cast rounds, in both). Any finite weight quantizes; NaN and infinities are refused.
 */
final class FixedPointQuantizer {
    private FixedPointQuantizer() {
    }

    static QuantizedTensor quantize(Scheme.Fixed scheme, float[] weights, int[] shape, String name) {
        float maxAbs = 0;
        for (float w : weights) {
            maxAbs = Float.isNaN(w) ? w : Math.max(maxAbs, Math.abs(w));
            if (Float.isNaN(maxAbs)) {
                break;
            }
        }
        Quantizer.requireWithin(Float.MAX_VALUE, maxAbs, weights, name, scheme);
        Codes codes = Codes.allocate(weights.length, scheme.containerBits(), true);
        SplittableRandom random = scheme.rounding() == Scheme.Fixed.Rounding.STOCHASTIC
                ? new SplittableRandom(scheme.seed() ^ ((long) name.hashCode() << 32 | name.length())) : null;
        for (int i = 0; i < weights.length; i++) {
            codes.set(i, (int) code(scheme, weights[i], random));
        }
        return QuantizedTensor.fixed(scheme, shape, codes);
    }

    /** The code of one finite weight; {@code random} is used (and advanced) for stochastic rounding only. */
    static long code(Scheme.Fixed scheme, float weight, SplittableRandom random) {
        double x = Math.scalb((double) weight, scheme.fracBits());
        double c = switch (scheme.rounding()) {
            case TRUNCATE -> Math.floor(x);
            case NEAREST_EVEN -> Math.rint(x);
            case STOCHASTIC -> {
                double floor = Math.floor(x);
                double fraction = x - floor; // exact: x has at most 24 significant bits
                yield random.nextDouble() < fraction ? floor + 1 : floor;
            }
        };
        double min = scheme.minCode();
        double max = scheme.maxCode();
        if (c >= min && c <= max) {
            return (long) c;
        }
        if (scheme.overflow() == Scheme.Fixed.Overflow.SATURATE) {
            return c < min ? scheme.minCode() : scheme.maxCode();
        }
        double modulus = Math.scalb(1.0, scheme.bits());
        double r = c % modulus; // exact for doubles, in (-modulus, modulus), an integer
        if (r < min) {
            r += modulus;
        } else if (r > max) {
            r -= modulus;
        }
        return (long) r;
    }
}
