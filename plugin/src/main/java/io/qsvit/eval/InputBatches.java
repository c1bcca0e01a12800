package io.qsvit.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.SampleBatches;

/**
 * A dataset as ONNX Runtime input tensors, batch after batch: {@link SampleBatches} reads the next batch on
 * worker threads while the current one runs, and each tensor wraps its direct buffer without a copy.
 */
final class InputBatches implements AutoCloseable {
    private final SampleBatches batches;

    InputBatches(Dataset data, int batch) {
        this(data, batch, 0);
    }

    /** Batches with the batch axis at {@code batchAxis} (1 for time-major [T, N, ...] input). */
    InputBatches(Dataset data, int batch, int batchAxis) {
        this.batches = SampleBatches.open(data, batch, batchAxis, SampleBatches.defaultWorkers());
    }

    int count() {
        return batches.count();
    }

    /** The next batch and its tensor; close both (the batch after the tensor) before asking for the next. */
    Next next() throws OrtException {
        SampleBatches.Batch batch = batches.next();
        try {
            return new Next(batch, OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), batch.values(), batch.shape()));
        } catch (OrtException | RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    /** One batch as a tensor; closing it gives the buffer back for a later batch. */
    record Next(SampleBatches.Batch batch, OnnxTensor tensor) implements AutoCloseable {
        int start() {
            return batch.start();
        }

        int size() {
            return batch.size();
        }

        @Override
        public void close() {
            tensor.close();
            batch.close();
        }
    }

    @Override
    public void close() {
        batches.close();
    }
}
