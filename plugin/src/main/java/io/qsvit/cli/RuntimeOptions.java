package io.qsvit.cli;

import io.qsvit.InputLimits;
import io.qsvit.step.EvaluateStep;
import picocli.CommandLine.Option;

/** How the evaluating steps run ONNX Runtime (a picocli mixin): batch size and threads. */
final class RuntimeOptions {
    @Option(names = "--batch", defaultValue = "" + EvaluateStep.DEFAULT_BATCH,
            description = "Images per ONNX Runtime call, 1 to " + InputLimits.MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads, 1 to " + InputLimits.THREADS_PER_PROCESSOR
            + " per processor (default: all cores).")
    Integer threads;

    int batch() {
        return InputLimits.batch("--batch", batch);
    }

    int threads() {
        return threads != null ? InputLimits.threads("--threads", threads) : Runtime.getRuntime().availableProcessors();
    }
}
