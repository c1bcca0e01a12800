package io.qsvit.quant;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The run time a real artifact is written for. {@link #PORTABLE} uses only the dequantize form, which any ONNX
 * runtime with op-set 18+ runs; {@link #ORT_CPU} also gives spike-input layers integer kernels where ONNX
 * Runtime's CPU kernels make them faster ({@link RuntimeRule}). Both give the simulated model's logits.
 */
public enum Runtime {
    PORTABLE("portable"), ORT_CPU("ort-cpu");

    /** What apply writes without {@code --runtime}: the fastest exact form measured (see RuntimeRule). */
    public static final Runtime DEFAULT = ORT_CPU;

    private final String id;

    Runtime(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Runtime parse(String text) {
        for (Runtime r : values()) {
            if (r.id.equals(text.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new UserInputException("unknown runtime '" + text + "'; choose one of "
                + Arrays.stream(values()).map(Runtime::id).collect(Collectors.joining(", ")));
    }
}
