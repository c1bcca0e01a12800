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
     * The values of a floating-point tensor of any width ONNX has (float32, float16, bfloat16, float64), as
     * doubles: exact for every type but float64, which keeps its own precision. For reading parameters that
     * are not quantized (normalisation statistics, biases) whatever the model's precision.
     */
    public static double[] numbers(TensorProto tensor, OnnxModel model) {
        long count = TensorShapes.elements(tensor);
        if (count > Integer.MAX_VALUE - 8) {
            throw new UserInputException("tensor '" + tensor.getName() + "' has " + count
                    + " elements, more than one Java array holds");
        }
        double[] values = new double[(int) count];
        int type = tensor.getDataType();
        if (type == DataType.FLOAT_VALUE) {
            float[] floats = floats(tensor, model);
            for (int i = 0; i < values.length; i++) {
                values[i] = floats[i];
            }
            return values;
        }
        if (type != DataType.FLOAT16_VALUE && type != DataType.BFLOAT16_VALUE && type != DataType.DOUBLE_VALUE) {
            throw new UserInputException("tensor '" + tensor.getName() + "' holds " + DataType.forNumber(type)
                    + ", not floating-point numbers");
        }
        ByteBuffer raw = rawBytes(tensor, model, TensorShapes.byteSize(tensor));
        if (raw != null) {
            for (int i = 0; i < values.length; i++) {
                values[i] = type == DataType.DOUBLE_VALUE ? raw.getDouble() : half(type, raw.getShort());
            }
            return values;
        }
        // typed fields: float16 and bfloat16 bit patterns live in int32_data, one per element
        int stored = type == DataType.DOUBLE_VALUE ? tensor.getDoubleDataCount() : tensor.getInt32DataCount();
        if (stored != count) {
            throw new UserInputException("tensor '" + tensor.getName() + "' has " + stored + " values for "
                    + count + " elements");
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = type == DataType.DOUBLE_VALUE ? tensor.getDoubleData(i)
                    : half(type, (short) tensor.getInt32Data(i));
        }
        return values;
    }

    private static float half(int type, short bits) {
        return type == DataType.FLOAT16_VALUE ? Float16.toFloat(bits) : Float16.bfloatToFloat(bits);
    }

    /**
     * A tensor like {@code like} (name, shape, element type) holding {@code values} rounded to its element type,
     * inline as raw data: how a changed parameter is written back in its model's precision.
     */
    public static TensorProto withNumbers(TensorProto like, double[] values) {
        int type = like.getDataType();
        int width = type == DataType.DOUBLE_VALUE ? 8 : type == DataType.FLOAT_VALUE ? 4 : 2;
        ByteBuffer bytes = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (type) {
                case DataType.DOUBLE_VALUE -> bytes.putDouble(v);
                case DataType.FLOAT_VALUE -> bytes.putFloat((float) v);
                case DataType.FLOAT16_VALUE -> bytes.putShort(Float16.fromFloat((float) v));
                case DataType.BFLOAT16_VALUE -> bytes.putShort(Float16.bfloatFromFloat((float) v));
                default -> throw new IllegalArgumentException("not a floating-point type: " + type);
            }
        }
        return like.toBuilder().clearRawData().clearFloatData().clearDoubleData().clearInt32Data().clearExternalData()
                .clearDataLocation().setRawData(OnnxWriter.wrap(bytes.array())).build();
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
