package io.qsvit.quant;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The run time a real artifact is written for. {@link #PORTABLE} uses only the dequantize form, which any ONNX
 * runtime with op-set 18+ runs and which gives the simulated model's logits bit for bit; {@link #ORT_CPU} also
 * gives spike-input layers integer kernels where ONNX Runtime's CPU kernels make them faster ({@link RuntimeRule}):
 * their sums are exact where the simulated model's float sums round, so a spike can flip on a few images.
 */
public enum Runtime {
    PORTABLE("portable"), ORT_CPU("ort-cpu");

    /**
     * What apply writes without {@code --runtime}: the fastest form that is exact, that is gives the simulated
     * model's logits on every image measured. The integer kernels are faster on large layers but not exact in that
     * sense (4 of 2,000 Fashion-MNIST images of the Spikformer reference model at uniform8 differ by a flipped
     * spike), so they are a choice, not the default.
     */
    public static final Runtime DEFAULT = PORTABLE;

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
