package io.qsvit.quant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How one weight tensor is stored: untouched float32, uniform integer levels, power-of-two levels (SpikeHQ),
 * or a fixed-point number format Qm.n (QSViT's and Q-SpiNN's reading of a bit width). Settings files hold a
 * scheme as its compact {@link #id()} text, which {@link #parse} reads back.
 */
public sealed interface Scheme permits Scheme.Float32, Scheme.Uniform, Scheme.Pow2, Scheme.Fixed {
    Float32 FLOAT32 = new Float32();

    /** Bits per weight, the figure memory accounting multiplies by: 32 for float32. */
    int bits();

    /** Whether each output channel gets its own scale (and zero point); false for float32. */
    boolean perChannel();

    /** Canonical compact text: {@code float32}, {@code uniform8}, {@code uniform4-asym-tensor}, {@code pow2-4}. */
    @JsonValue
    String id();

    /** ONNX TensorProto data type of the tensor that holds the codes in a real artifact. */
    int onnxDataType();

    /** Width in bits of one element of that container: 4, 8, 16 or 32. */
    int containerBits();

    /** Weights kept as they are. */
    record Float32() implements Scheme {
        @Override
        public int bits() {
            return 32;
        }

        @Override
        public boolean perChannel() {
            return false;
        }

        @Override
        public String id() {
            return "float32";
        }

        @Override
        public int onnxDataType() {
            return OnnxDataType.FLOAT;
        }

        @Override
        public int containerBits() {
            return 32;
        }
    }

    /**
     * Evenly spaced integer levels times a scale; symmetric has zero point 0, asymmetric fits [min, max]
     * (both clipped as the scale rule says).
     */
    record Uniform(int bits, boolean symmetric, boolean perChannel, ScaleRule scale) implements Scheme {
        public static final int MIN_BITS = 2;
        public static final int MAX_BITS = 16;

        public Uniform {
            if (bits < MIN_BITS || bits > MAX_BITS) {
                throw new IllegalArgumentException("uniform takes " + MIN_BITS + ".." + MAX_BITS + " bits, got " + bits);
            }
            java.util.Objects.requireNonNull(scale, "scale");
        }

        /** With the max-abs scale. */
        public Uniform(int bits, boolean symmetric, boolean perChannel) {
            this(bits, symmetric, perChannel, ScaleRule.MAX_ABS);
        }

        @Override
        public String id() {
            return "uniform" + bits + (symmetric ? "" : "-asym") + (perChannel ? "" : "-tensor") + suffix(scale);
        }

        @Override
        public int onnxDataType() {
            return switch (containerBits()) {
                case 4 -> symmetric ? OnnxDataType.INT4 : OnnxDataType.UINT4;
                case 8 -> symmetric ? OnnxDataType.INT8 : OnnxDataType.UINT8;
                default -> symmetric ? OnnxDataType.INT16 : OnnxDataType.UINT16;
            };
        }

        @Override
        public int containerBits() {
            return bits <= 4 ? 4 : bits <= 8 ? 8 : 16;
        }
    }

    /** Zero and plus or minus scale * 2^-j; codes are unsigned indices into {@link Pow2Levels#table}. */
    record Pow2(int bits, boolean perChannel, ScaleRule scale) implements Scheme {
        public static final int MIN_BITS = 2;
        public static final int MAX_BITS = 8;

        public Pow2 {
            if (bits < MIN_BITS || bits > MAX_BITS) {
                throw new IllegalArgumentException("pow2 takes " + MIN_BITS + ".." + MAX_BITS + " bits, got " + bits);
            }
            java.util.Objects.requireNonNull(scale, "scale");
        }

        /** With the max-abs scale. */
        public Pow2(int bits, boolean perChannel) {
            this(bits, perChannel, ScaleRule.MAX_ABS);
        }

        @Override
        public String id() {
            return "pow2-" + bits + (perChannel ? "" : "-tensor") + suffix(scale);
        }

        @Override
        public int onnxDataType() {
            return bits <= 4 ? OnnxDataType.UINT4 : OnnxDataType.UINT8;
        }

        @Override
        public int containerBits() {
            return bits <= 4 ? 4 : 8;
        }
    }

    /** The scale rule as an id field: {@code :mse}, {@code :p99.9}, or nothing for max-abs. */
    private static String suffix(ScaleRule scale) {
        return scale.id().isEmpty() ? "" : ":" + scale.id();
    }

    /**
     * Two's complement fixed point Qm.n: a sign bit, {@code intBits} integer bits and {@code fracBits} fraction
     * bits, {@code bits} = 1 + m + n in all. A weight w becomes the code c = overflow(round(w * 2^n)), an integer
     * in [-2^(bits-1), 2^(bits-1) - 1], and its value is c * 2^-n: the scale is fixed by the format, not by the
     * weights, so values beyond the range saturate (or wrap) and values below 2^-n round (or truncate) to zero.
     * One scale per tensor ({@code 2^-n}), no zero point. See {@link FixedPointQuantizer} for the exact rules.
     *
     * @param seed the seed of stochastic rounding (recorded in the id); 0 and unused for the other roundings
     */
    record Fixed(int bits, int intBits, int fracBits, Rounding rounding, Overflow overflow, long seed)
            implements Scheme {
        public static final int MIN_BITS = 2;
        public static final int MAX_BITS = 32;

        /** How a value between two codes is resolved. */
        public enum Rounding {
            /** Drop the bits below 2^-n: floor, toward minus infinity, as two's complement hardware truncates. */
            TRUNCATE("truncate"),
            /** Nearest code, ties to the even one (the default, as ONNX QuantizeLinear rounds). */
            NEAREST_EVEN("nearest"),
            /** Up with probability equal to the dropped fraction, from a seeded stream: unbiased in expectation. */
            STOCHASTIC("stochastic");

            private final String text;

            Rounding(String text) {
                this.text = text;
            }

            /** The word settings write. */
            public String text() {
                return text;
            }
        }

        /** What a value beyond the format's range becomes. */
        public enum Overflow {
            /** The nearest end of the range (the default). */
            SATURATE("saturate"),
            /** Two's complement wrap-around modulo 2^bits, as an unchecked integer register overflows. */
            WRAP("wrap");

            private final String text;

            Overflow(String text) {
                this.text = text;
            }

            /** The word settings write. */
            public String text() {
                return text;
            }
        }

        public Fixed {
            if (bits < MIN_BITS || bits > MAX_BITS) {
                throw new IllegalArgumentException("fixed takes " + MIN_BITS + ".." + MAX_BITS + " bits, got " + bits);
            }
            if (intBits < 0 || fracBits < 0 || 1 + intBits + fracBits != bits) {
                throw new IllegalArgumentException("q" + intBits + "." + fracBits + " is not a " + bits
                        + "-bit format: 1 sign bit + m + n must make " + bits);
            }
            java.util.Objects.requireNonNull(rounding, "rounding");
            java.util.Objects.requireNonNull(overflow, "overflow");
            if (rounding != Rounding.STOCHASTIC && seed != 0) {
                throw new IllegalArgumentException("a seed belongs to stochastic rounding only");
            }
        }

        /** The format with nearest-even rounding and saturation. */
        public static Fixed of(int bits, int intBits) {
            return new Fixed(bits, intBits, bits - 1 - intBits, Rounding.NEAREST_EVEN, Overflow.SATURATE, 0);
        }

        /** Smallest code, -2^(bits-1). */
        public long minCode() {
            return -(1L << (bits - 1));
        }

        /** Largest code, 2^(bits-1) - 1. */
        public long maxCode() {
            return (1L << (bits - 1)) - 1;
        }

        /** The value of one code step, 2^-n (exact in float32 for n up to 31). */
        public float step() {
            return Math.scalb(1f, -fracBits);
        }

        @Override
        public boolean perChannel() {
            return false;
        }

        /** {@code fixed<bits>:q<m>.<n>}, then the rounding and the overflow where they are not the defaults. */
        @Override
        public String id() {
            StringBuilder id = new StringBuilder("fixed").append(bits).append(":q").append(intBits).append('.')
                    .append(fracBits);
            if (rounding != Rounding.NEAREST_EVEN) {
                id.append(':').append(rounding.text());
            }
            if (rounding == Rounding.STOCHASTIC) {
                id.append(":seed=").append(seed);
            }
            if (overflow != Overflow.SATURATE) {
                id.append(':').append(overflow.text());
            }
            return id.toString();
        }

        @Override
        public int onnxDataType() {
            return switch (containerBits()) {
                case 8 -> OnnxDataType.INT8;
                case 16 -> OnnxDataType.INT16;
                default -> OnnxDataType.INT32;
            };
        }

        @Override
        public int containerBits() {
            return bits <= 8 ? 8 : bits <= 16 ? 16 : 32;
        }
    }

    /**
     * Reads a scheme from its id text. The defaults are symmetric and per-channel; suffixes, in this order,
     * switch to asymmetric ({@code -asym}, uniform only) and per-tensor ({@code -tensor}); a further
     * colon-separated field names the {@link ScaleRule} ({@code uniform4:mse}, {@code pow2-4-tensor:p99.9}). Fixed
     * point reads colon-separated fields after {@code fixed<bits>}, see {@link SchemeText}.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Scheme parse(String text) {
        return SchemeText.parse(text);
    }
}
