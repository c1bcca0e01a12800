package io.qsvit.bench;

import io.qsvit.eval.data.Dataset;

import java.nio.file.Path;

/**
 * What the evaluation benchmarks run: a model file on the images read from {@code data}, with ONNX Runtime
 * (and PyTorch) threads, images per call, and measured turns.
 */
public record Workload(Path model, Path data, Dataset images, int threads, int batch, int repeats) {
}
