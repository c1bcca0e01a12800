package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/** Small constant tensors: building the ones adapters add, reading the ones adapters consult. */
final class Tensors {
    private Tensors() {
    }

    static TensorProto int64s(long... values) {
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            data.putLong(v);
        }
        return TensorProto.newBuilder().setDataType(DataType.INT64_VALUE).addDims(values.length)
                .setRawData(ByteString.copyFrom(data.array())).build();
    }

    static TensorProto int64Scalar(long value) {
        return int64s(value).toBuilder().clearDims().build();
    }

    static TensorProto floats(float... values) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        return TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(values.length)
                .setRawData(ByteString.copyFrom(data.array())).build();
    }

    /**
     * A scalar of the given element type holding {@code value} (as the float attribute it replaces says it),
     * for the floating and integer types; empty for others (string, bool, complex, 8-bit floats).
     */
    static Optional<TensorProto> scalar(int dataType, double value) {
        ByteBuffer data;
        switch (dataType) {
            case DataType.FLOAT_VALUE -> data = buffer(4).putFloat((float) value);
            case DataType.DOUBLE_VALUE -> data = buffer(8).putDouble(value);
            case DataType.FLOAT16_VALUE -> data = buffer(2).putShort(Half.fromFloat((float) value));
            case DataType.BFLOAT16_VALUE -> data = buffer(2).putShort(Half.bfloat16((float) value));
            case DataType.INT8_VALUE, DataType.UINT8_VALUE -> data = buffer(1).put((byte) (long) value);
            case DataType.INT16_VALUE, DataType.UINT16_VALUE -> data = buffer(2).putShort((short) (long) value);
            case DataType.INT32_VALUE, DataType.UINT32_VALUE -> data = buffer(4).putInt((int) (long) value);
            case DataType.INT64_VALUE, DataType.UINT64_VALUE -> data = buffer(8).putLong((long) value);
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(TensorProto.newBuilder().setDataType(dataType).setRawData(ByteString.copyFrom(data.array())).build());
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long elements(TensorProto tensor) {
        long n = 1;
        for (long d : tensor.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /** The values of an int64 or int32 tensor held inline; empty when it is another type or external. */
    static Optional<long[]> longs(TensorProto tensor) {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL || elements(tensor) > 1 << 20) {
            return Optional.empty();
        }
        int n = (int) elements(tensor);
        long[] out = new long[n];
        ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (tensor.getDataType() == DataType.INT64_VALUE) {
            if (!tensor.getRawData().isEmpty()) {
                if (raw.remaining() != 8L * n) {
                    return Optional.empty();
                }
                raw.asLongBuffer().get(out);
            } else if (tensor.getInt64DataCount() == n) {
                for (int i = 0; i < n; i++) {
                    out[i] = tensor.getInt64Data(i);
                }
            } else {
                return Optional.empty();
            }
            return Optional.of(out);
        }
        if (tensor.getDataType() == DataType.INT32_VALUE) {
            if (!tensor.getRawData().isEmpty()) {
                if (raw.remaining() != 4L * n) {
                    return Optional.empty();
                }
                for (int i = 0; i < n; i++) {
                    out[i] = raw.getInt();
                }
            } else if (tensor.getInt32DataCount() == n) {
                for (int i = 0; i < n; i++) {
                    out[i] = tensor.getInt32Data(i);
                }
            } else {
                return Optional.empty();
            }
            return Optional.of(out);
        }
        return Optional.empty();
    }

    /** The values of a float32 tensor held inline; empty when it is another type or external. */
    static Optional<float[]> floats(TensorProto tensor) {
        if (tensor.getDataType() != DataType.FLOAT_VALUE || tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL
                || elements(tensor) > 1 << 20) {
            return Optional.empty();
        }
        int n = (int) elements(tensor);
        float[] out = new float[n];
        if (!tensor.getRawData().isEmpty()) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != 4L * n) {
                return Optional.empty();
            }
            raw.asFloatBuffer().get(out);
        } else if (tensor.getFloatDataCount() == n) {
            for (int i = 0; i < n; i++) {
                out[i] = tensor.getFloatData(i);
            }
        } else {
            return Optional.empty();
        }
        return Optional.of(out);
    }
}
