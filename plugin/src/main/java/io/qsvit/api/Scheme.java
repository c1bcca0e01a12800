package io.qsvit.api;

import io.qsvit.UserInputException;

/**
 * How one group's weight tensors are stored: untouched float32, uniform integer levels (symmetric or
 * asymmetric, 2 to 16 bits), power-of-two levels (SpikeHQ, 2 to 8 bits), with one scale per output channel
 * (the default) or per tensor; or a fixed-point format Qm.n (2 to 32 bits, e.g. {@code fixed16:q4.11:truncate}),
 * whose one scale 2^-n the format fixes. Rounding is half to even, as ONNX QuantizeLinear rounds. A scheme is written as
 * its {@link #id()}: {@code float32}, {@code uniform8}, {@code uniform4-asym}, {@code uniform8-tensor},
 * {@code pow2-4}, ...
 */
public final class Scheme {
    /** The kinds of levels a scheme quantizes to. */
    public enum Family {
        /** Weights kept as they are. */
        FLOAT32,
        /** Evenly spaced integer levels times a scale. */
        UNIFORM,
        /** Zero and plus or minus a scale times a power of two. */
        POW2,
        /** Two's complement fixed point Qm.n: integer codes times 2^-n, saturating or wrapping. */
        FIXED
    }

    private final io.qsvit.quant.Scheme scheme;

    private Scheme(io.qsvit.quant.Scheme scheme) {
        this.scheme = scheme;
    }

    static Scheme of(io.qsvit.quant.Scheme scheme) {
        return new Scheme(scheme);
    }

    io.qsvit.quant.Scheme internal() {
        return scheme;
    }

    /**
     * Weights kept in float32, bit for bit.
     *
     * @return the float32 scheme
     */
    public static Scheme float32() {
        return new Scheme(io.qsvit.quant.Scheme.FLOAT32);
    }

    /**
     * Symmetric uniform levels, one scale per output channel.
     *
     * @param bits 2 to 16
     * @return the scheme
     * @throws IllegalArgumentException for bits outside 2 to 16
     */
    public static Scheme uniform(int bits) {
        return new Scheme(new io.qsvit.quant.Scheme.Uniform(bits, true, true));
    }

    /**
     * Asymmetric uniform levels (a zero point fits them to the weights' range), one scale per output channel.
     *
     * @param bits 2 to 16
     * @return the scheme
     * @throws IllegalArgumentException for bits outside 2 to 16
     */
    public static Scheme uniformAsymmetric(int bits) {
        return new Scheme(new io.qsvit.quant.Scheme.Uniform(bits, false, true));
    }

    /**
     * Power-of-two levels (SpikeHQ), one scale per output channel.
     *
     * @param bits 2 to 8
     * @return the scheme
     * @throws IllegalArgumentException for bits outside 2 to 8
     */
    public static Scheme pow2(int bits) {
        return new Scheme(new io.qsvit.quant.Scheme.Pow2(bits, true));
    }

    /**
     * Fixed point with a sign bit, {@code intBits} integer bits and {@code bits - 1 - intBits} fraction bits,
     * rounding to nearest (ties to even) and saturating; {@link #parse} reads the other roundings and overflows.
     *
     * @param bits    2 to 32
     * @param intBits 0 to bits - 1
     * @return the scheme
     * @throws IllegalArgumentException for a format that does not fit
     */
    public static Scheme fixed(int bits, int intBits) {
        return new Scheme(io.qsvit.quant.Scheme.Fixed.of(bits, intBits));
    }

    /**
     * Reads a scheme from its id.
     *
     * @param id {@code float32}, {@code uniform<bits>[-asym][-tensor]}, {@code pow2-<bits>[-tensor]} or
     *           {@code fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]][:saturate|:wrap]}
     * @return the scheme
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static Scheme parse(String id) {
        try {
            return new Scheme(io.qsvit.quant.Scheme.parse(id));
        } catch (UserInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The same levels with one scale (and zero point) for the whole tensor.
     *
     * @return the per-tensor scheme; float32 itself for float32
     */
    public Scheme perTensor() {
        if (scheme instanceof io.qsvit.quant.Scheme.Uniform u) {
            return new Scheme(new io.qsvit.quant.Scheme.Uniform(u.bits(), u.symmetric(), false));
        }
        if (scheme instanceof io.qsvit.quant.Scheme.Pow2 p) {
            return new Scheme(new io.qsvit.quant.Scheme.Pow2(p.bits(), false));
        }
        return this;
    }

    /**
     * The canonical text, which {@link #parse} reads back.
     *
     * @return e.g. {@code uniform4-asym-tensor}
     */
    public String id() {
        return scheme.id();
    }

    /**
     * Bits per weight, the figure memory accounting multiplies by.
     *
     * @return 32 for float32
     */
    public int bits() {
        return scheme.bits();
    }

    /**
     * The kind of levels.
     *
     * @return the family
     */
    public Family family() {
        if (scheme instanceof io.qsvit.quant.Scheme.Uniform) {
            return Family.UNIFORM;
        }
        if (scheme instanceof io.qsvit.quant.Scheme.Fixed) {
            return Family.FIXED;
        }
        return scheme instanceof io.qsvit.quant.Scheme.Pow2 ? Family.POW2 : Family.FLOAT32;
    }

    /**
     * Whether the levels are symmetric around zero (zero point 0).
     *
     * @return false for asymmetric uniform schemes only
     */
    public boolean isSymmetric() {
        return !(scheme instanceof io.qsvit.quant.Scheme.Uniform u) || u.symmetric();
    }

    /**
     * Whether each output channel gets its own scale.
     *
     * @return false for per-tensor schemes and float32
     */
    public boolean isPerChannel() {
        return scheme.perChannel();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scheme other && scheme.equals(other.scheme);
    }

    @Override
    public int hashCode() {
        return scheme.hashCode();
    }

    /**
     * The scheme's text.
     *
     * @return the {@link #id()}
     */
    @Override
    public String toString() {
        return scheme.id();
    }
}
