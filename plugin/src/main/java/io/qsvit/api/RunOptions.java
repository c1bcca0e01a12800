package io.qsvit.api;

import io.qsvit.step.EvaluateStep;

/**
 * How a step runs ONNX Runtime: images per call and threads. Part of every request that evaluates a model;
 * neither changes a result, only how fast it comes.
 *
 * @param batch   images per ONNX Runtime call, above 0
 * @param threads ONNX Runtime's intra-op threads, above 0
 */
public record RunOptions(int batch, int threads) {
    /**
     * Checks the values.
     *
     * @param batch   images per ONNX Runtime call, above 0
     * @param threads ONNX Runtime's intra-op threads, above 0
     * @throws IllegalArgumentException for a value below 1
     */
    public RunOptions {
        Calls.require(batch > 0, "the batch must be above 0 images, got " + batch);
        Calls.require(threads > 0, "threads must be above 0, got " + threads);
    }

    /**
     * The command line's defaults: 250 images per call, one thread per core.
     *
     * @return the defaults
     */
    public static RunOptions defaults() {
        return new RunOptions(EvaluateStep.DEFAULT_BATCH, Runtime.getRuntime().availableProcessors());
    }
}
