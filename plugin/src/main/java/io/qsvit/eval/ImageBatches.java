package io.qsvit.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.qsvit.eval.data.LabeledImages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Hands images to ONNX Runtime batch by batch through one direct buffer, reused for every batch. ONNX Runtime
 * reads a direct buffer in place; from a heap array it would allocate a fresh direct buffer and copy per batch.
 */
final class ImageBatches {
    private final LabeledImages data;
    private final int batch;
    private final FloatBuffer buffer;

    ImageBatches(LabeledImages data, int batch) {
        this.data = data;
        this.batch = batch;
        this.buffer = ByteBuffer.allocateDirect(Math.multiplyExact(4 * batch, data.imageSize()))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Images in the batch that starts at {@code start}: the batch size, or what is left of the data. */
    int sizeAt(int start) {
        return Math.min(batch, data.size() - start);
    }

    /** The batch starting at {@code start} as a tensor over the shared buffer; close it before the next one. */
    OnnxTensor tensorAt(int start) throws OrtException {
        int n = sizeAt(start);
        buffer.clear();
        data.copyPixels(start, n, buffer);
        buffer.flip();
        long[] shape = {n, data.channels(), data.height(), data.width()};
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buffer, shape);
    }
}
