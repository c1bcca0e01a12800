package io.qsvit.quant;

import io.qsvit.UserInputException;

/**
 * The fixed-point format a computed tensor (membrane potential, attention product) is held in: value v becomes
 * code c = overflow(round(v * 2^n)) and then c * 2^-n, as a fixed-point datapath computes it. Computed in float32
 * inside the ONNX graph, which is exact for codes of up to {@value #MAX_BITS} bits.
 * <p>
 * From a setting's scheme: {@code fixed<B>:q<m>.<n>} as written (its rounding and overflow; stochastic rounding
 * is for stored weights only); {@code uniform<B>} as B-bit fixed point whose integer bits cover the tensor's
 * calibrated range, rounded to nearest and saturated (a datapath's binary point is fixed, so a scale fitted to the
 * data is a power of two). Power-of-two levels are a storage format and do not apply.
 */
public record ComputedFormat(int bits, int intBits, boolean truncate, boolean wrap) {
    public static final int MAX_BITS = 24;

    public ComputedFormat {
        if (bits < Scheme.Fixed.MIN_BITS || bits > MAX_BITS || intBits < 0 || intBits > bits - 1) {
            throw new IllegalArgumentException("no " + bits + "-bit format with " + intBits + " integer bits");
        }
    }

    /** Fraction bits n. */
    public int fracBits() {
        return bits - 1 - intBits;
    }

    /** Smallest code, -2^(bits-1). */
    public float minCode() {
        return -(float) Math.scalb(1.0, bits - 1);
    }

    /** Largest code, 2^(bits-1) - 1. */
    public float maxCode() {
        return (float) (Math.scalb(1.0, bits - 1) - 1);
    }

    /** The scheme that says this format exactly (written into settings that explore chose). */
    public Scheme.Fixed scheme() {
        return new Scheme.Fixed(bits, intBits, fracBits(), truncate ? Scheme.Fixed.Rounding.TRUNCATE
                : Scheme.Fixed.Rounding.NEAREST_EVEN, wrap ? Scheme.Fixed.Overflow.WRAP : Scheme.Fixed.Overflow.SATURATE, 0);
    }

    /** The id of the format, as {@link #scheme()} writes it. */
    public String id() {
        return scheme().id();
    }

    /**
     * The format a scheme gives a computed tensor whose calibrated largest magnitude is {@code maxAbs} (NaN when
     * not calibrated); null for float32 (left as computed). {@code where} names the tensor group in errors.
     */
    public static ComputedFormat of(Scheme scheme, double maxAbs, String where) {
        if (scheme instanceof Scheme.Float32) {
            return null;
        }
        if (scheme instanceof Scheme.Fixed f) {
            if (f.rounding() == Scheme.Fixed.Rounding.STOCHASTIC) {
                throw new UserInputException(where + ": stochastic rounding applies to stored weights only; a computed "
                        + "tensor takes truncate or nearest");
            }
            checkBits(f.bits(), where, scheme);
            return new ComputedFormat(f.bits(), f.intBits(), f.rounding() == Scheme.Fixed.Rounding.TRUNCATE,
                    f.overflow() == Scheme.Fixed.Overflow.WRAP);
        }
        if (scheme instanceof Scheme.Uniform u) {
            checkBits(u.bits(), where, scheme);
            if (Double.isNaN(maxAbs)) {
                throw new UserInputException(where + ": " + scheme.id() + " on a computed tensor needs its range, which "
                        + "only sensitivity and explore measure; write the format (e.g. fixed" + u.bits() + ":q3."
                        + (u.bits() - 4) + ") in the setting");
            }
            return new ComputedFormat(u.bits(), intBitsFor(maxAbs, u.bits()), false, false);
        }
        throw new UserInputException(where + ": " + scheme.id() + " is a storage format for weights; a computed tensor "
                + "takes fixed<B>[:q<m>.<n>] or uniform<B>");
    }

    /** True when a computed tensor can take the scheme (float32, fixed point but stochastic, a uniform width). */
    public static boolean applies(Scheme scheme) {
        return scheme instanceof Scheme.Float32
                || scheme instanceof Scheme.Fixed f && f.rounding() != Scheme.Fixed.Rounding.STOCHASTIC && f.bits() <= MAX_BITS
                || scheme instanceof Scheme.Uniform u && u.bits() <= MAX_BITS;
    }

    /** Integer bits that hold {@code maxAbs} without saturating, at most {@code bits - 1}. */
    static int intBitsFor(double maxAbs, int bits) {
        int m = maxAbs < 1 ? 0 : Math.getExponent(maxAbs) + 1;
        return Math.min(Math.max(m, 0), bits - 1);
    }

    private static void checkBits(int bits, String where, Scheme scheme) {
        if (bits > MAX_BITS) {
            throw new UserInputException(where + ": " + scheme.id() + " has more than " + MAX_BITS + " bits, past what "
                    + "float32 arithmetic holds exactly; a computed tensor takes 2.." + MAX_BITS + " bits");
        }
        if (bits < Scheme.Fixed.MIN_BITS) {
            throw new UserInputException(where + ": " + scheme.id() + " has fewer than " + Scheme.Fixed.MIN_BITS + " bits");
        }
    }
}
