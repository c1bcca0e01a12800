package io.qsvit.cli;

import io.qsvit.step.EvaluateStep;
import picocli.CommandLine.Option;

/** How the evaluating steps run ONNX Runtime (a picocli mixin): batch size and threads. */
final class RuntimeOptions {
    @Option(names = "--batch", defaultValue = "" + EvaluateStep.DEFAULT_BATCH,
            description = "Images per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: all cores).")
    Integer threads;

    int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
