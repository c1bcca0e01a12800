package io.qsvit.model;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.qsvit.UserInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Reads float32 tensor values from wherever ONNX keeps them: raw_data, float_data or external data. */
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
        if (ExternalData.isExternal(tensor)) {
            ExternalData.of(tensor, model.folder(), model.file()).read().asFloatBuffer().get(values);
        } else if (!tensor.getRawData().isEmpty()) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != 4L * count) {
                throw new UserInputException("tensor '" + tensor.getName() + "' has " + raw.remaining()
                        + " bytes of raw data for " + count + " floats");
            }
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
}
