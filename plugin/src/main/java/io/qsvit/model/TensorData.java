package io.qsvit.model;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.qsvit.UserInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Reads tensor values from wherever ONNX keeps them: raw_data, float_data or external data. */
public final class TensorData {
    private TensorData() {
    }

    public static float[] floats(TensorProto tensor, OnnxModel model) {
        return floats(tensor, model, null);
    }

    /**
     * As {@link #floats(TensorProto, OnnxModel)}, into {@code scratch} when it has exactly the tensor's size:
     * callers that read many large tensors reuse one array per size instead of allocating each time.
     */
    public static float[] floats(TensorProto tensor, OnnxModel model, float[] scratch) {
        if (tensor.getDataType() != DataType.FLOAT_VALUE) {
            throw new UserInputException("tensor '" + tensor.getName() + "' holds "
                    + DataType.forNumber(tensor.getDataType()) + "; only float32 weights can be quantized");
        }
        long count = TensorShapes.elements(tensor);
        if (count > Integer.MAX_VALUE - 8) {
            throw new UserInputException("tensor '" + tensor.getName() + "' has " + count
                    + " elements, more than one Java array holds");
        }
        float[] values = scratch != null && scratch.length == count ? scratch : new float[(int) count];
        ByteBuffer raw = rawBytes(tensor, model, 4L * count);
        if (raw != null) {
            raw.asFloatBuffer().get(values);
        } else {
            List<Float> list = tensor.getFloatDataList();
            if (list.size() != count) {
                throw new UserInputException("tensor '" + tensor.getName() + "' has " + list.size()
                        + " values for " + count + " elements");
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = list.get(i);
            }
        }
        return values;
    }

    /**
     * The tensor's data as little-endian bytes, from raw_data or external data, checked to be {@code size}
     * bytes long; null when the values sit in a typed field (float_data, int32_data) instead.
     */
    public static ByteBuffer rawBytes(TensorProto tensor, OnnxModel model, long size) {
        ByteBuffer raw;
        if (ExternalData.isExternal(tensor)) {
            raw = ExternalData.of(tensor, model.folder(), model.file()).read();
        } else if (!tensor.getRawData().isEmpty()) {
            raw = tensor.getRawData().asReadOnlyByteBuffer();
        } else {
            return null;
        }
        if (raw.remaining() != size) {
            throw new UserInputException("tensor '" + tensor.getName() + "' has " + raw.remaining()
                    + " bytes of data where its type and shape need " + size);
        }
        return raw.order(ByteOrder.LITTLE_ENDIAN);
    }
}
