package io.qsvit.quant;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The run time a real artifact is written for. Both give the simulated model's logits bit for bit: the layers that
 * {@link RuntimeRule} splits (spike-input 1x1 Conv and MatMul layers with a large fan-in) are computed as integer
 * levels through the operator, then the scale, in the simulated model as in the real one. {@link #PORTABLE} does so
 * with standard float operators only ({@link RuntimeForm#LEVELS}), which any ONNX runtime with op-set 18+ runs;
 * {@link #ORT_CPU} with ONNX Runtime's CPU integer kernels ({@link RuntimeForm#INTEGER}), one byte per weight.
 */
public enum Runtime {
    PORTABLE("portable"), ORT_CPU("ort-cpu");

    /**
     * What apply writes without {@code --runtime}: the fastest exact form. Both are exact; the integer kernels keep
     * one byte per weight in memory and were measured faster than float on the large layers they take
     * ({@code qsvit benchmark --suite runtime}, docs/runtime.md).
     */
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
