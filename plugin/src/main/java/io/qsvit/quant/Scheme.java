package io.qsvit.quant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How one weight tensor is stored: untouched float32, uniform integer levels, or power-of-two levels
 * (SpikeHQ). Settings files hold a scheme as its compact {@link #id()} text, which {@link #parse} reads back.
 */
public sealed interface Scheme permits Scheme.Float32, Scheme.Uniform, Scheme.Pow2 {
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
     * Reads a scheme from its id text. The defaults are symmetric and per-channel; suffixes, in this order,
     * switch to asymmetric ({@code -asym}, uniform only) and per-tensor ({@code -tensor}); a further
     * colon-separated field names the {@link ScaleRule} ({@code uniform4:mse}, {@code pow2-4-tensor:p99.9}).
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Scheme parse(String text) {
        return SchemeText.parse(text);
    }
}
