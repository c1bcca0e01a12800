package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * Tensors of the ONNX backend test data (TensorProto files) as ONNX Runtime inputs, and the comparison of
 * ONNX Runtime outputs with the expected tensors under the backend tests' rule (numpy's assert_allclose:
 * |actual - expected| <= atol + rtol * |expected|, NaN equal to NaN; exact for integers, booleans, strings).
 */
final class TensorValues {
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-7;

    private TensorValues() {
    }

    /** The ONNX Runtime Java type for an element type, or empty where its Java API cannot feed one. */
    static Optional<OnnxJavaType> javaType(int dataType) {
        return Optional.ofNullable(switch (dataType) {
            case DataType.FLOAT_VALUE -> OnnxJavaType.FLOAT;
            case DataType.DOUBLE_VALUE -> OnnxJavaType.DOUBLE;
            case DataType.INT8_VALUE -> OnnxJavaType.INT8;
            case DataType.UINT8_VALUE -> OnnxJavaType.UINT8;
            case DataType.INT16_VALUE -> OnnxJavaType.INT16;
            case DataType.INT32_VALUE -> OnnxJavaType.INT32;
            case DataType.INT64_VALUE -> OnnxJavaType.INT64;
            case DataType.BOOL_VALUE -> OnnxJavaType.BOOL;
            case DataType.STRING_VALUE -> OnnxJavaType.STRING;
            case DataType.FLOAT16_VALUE -> OnnxJavaType.FLOAT16;
            case DataType.BFLOAT16_VALUE -> OnnxJavaType.BFLOAT16;
            default -> null;
        });
    }

    static long[] shape(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static long elements(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    static int width(int dataType) {
        return switch (dataType) {
            case DataType.DOUBLE_VALUE, DataType.INT64_VALUE, DataType.UINT64_VALUE -> 8;
            case DataType.FLOAT_VALUE, DataType.INT32_VALUE, DataType.UINT32_VALUE -> 4;
            case DataType.INT16_VALUE, DataType.UINT16_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE -> 2;
            default -> 1;
        };
    }

    /** The tensor's elements as little-endian bytes, from raw_data or from the typed field holding them. */
    static ByteBuffer raw(TensorProto t) {
        int n = (int) elements(t);
        int w = width(t.getDataType());
        ByteBuffer out = ByteBuffer.allocate(n * w).order(ByteOrder.LITTLE_ENDIAN);
        if (!t.getRawData().isEmpty()) {
            out.put(t.getRawData().asReadOnlyByteBuffer());
            return out.flip();
        }
        for (int i = 0; i < n; i++) {
            switch (t.getDataType()) {
                case DataType.FLOAT_VALUE -> out.putFloat(t.getFloatData(i));
                case DataType.DOUBLE_VALUE -> out.putDouble(t.getDoubleData(i));
                case DataType.INT64_VALUE -> out.putLong(t.getInt64Data(i));
                case DataType.UINT64_VALUE, DataType.UINT32_VALUE -> {
                    if (w == 8) {
                        out.putLong(t.getUint64Data(i));
                    } else {
                        out.putInt((int) t.getUint64Data(i));
                    }
                }
                default -> {
                    int v = t.getInt32Data(i);
                    switch (w) {
                        case 4 -> out.putInt(v);
                        case 2 -> out.putShort((short) v);
                        default -> out.put((byte) v);
                    }
                }
            }
        }
        return out.flip();
    }

    static OnnxTensor input(OrtEnvironment env, TensorProto t) throws OrtException {
        OnnxJavaType type = javaType(t.getDataType()).orElseThrow();
        if (type == OnnxJavaType.STRING) {
            String[] strings = t.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
            return OnnxTensor.createTensor(env, strings, shape(t));
        }
        ByteBuffer bytes = raw(t);
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(bytes.remaining(), 1)).order(ByteOrder.nativeOrder());
        direct.put(bytes).flip();
        return OnnxTensor.createTensor(env, direct, shape(t), type);
    }

    /** An ONNX Runtime output as a TensorProto of raw little-endian data (or strings). */
    static TensorProto proto(OnnxTensor actual, int dataType) throws OrtException {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(dataType);
        for (long d : actual.getInfo().getShape()) {
            t.addDims(d);
        }
        if (dataType == DataType.STRING_VALUE) {
            for (String v : flatten(actual.getValue())) {
                t.addStringData(com.google.protobuf.ByteString.copyFromUtf8(v));
            }
            return t.build();
        }
        ByteBuffer got = actual.getByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer little = ByteBuffer.allocate(got.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        int w = width(dataType);
        while (got.hasRemaining()) {
            switch (w) {
                case 8 -> little.putLong(got.getLong());
                case 4 -> little.putInt(got.getInt());
                case 2 -> little.putShort(got.getShort());
                default -> little.put(got.get());
            }
        }
        return t.setRawData(com.google.protobuf.ByteString.copyFrom(little.array())).build();
    }

    /** Null when {@code actual} matches {@code expected}, else what differs (the first element that does). */
    static String mismatch(TensorProto actual, TensorProto expected) {
        if (!Arrays.equals(shape(actual), shape(expected))) {
            return "shape " + Arrays.toString(shape(actual)) + " instead of " + Arrays.toString(shape(expected));
        }
        int type = expected.getDataType();
        if (actual.getDataType() != type) {
            return "element type " + DataType.forNumber(actual.getDataType()) + " instead of " + DataType.forNumber(type);
        }
        int n = (int) elements(expected);
        if (type == DataType.STRING_VALUE) {
            for (int i = 0; i < n; i++) {
                if (!actual.getStringData(i).equals(expected.getStringData(i))) {
                    return "string " + i + " is '" + actual.getStringData(i).toStringUtf8() + "'";
                }
            }
            return null;
        }
        ByteBuffer got = raw(actual);
        ByteBuffer want = raw(expected);
        for (int i = 0; i < n; i++) {
            if (isFloating(type)) {
                double a = floating(got, type);
                double e = floating(want, type);
                if (!close(a, e)) {
                    return "element " + i + " is " + a + " where " + e + " is expected";
                }
            } else {
                long a = integer(got, width(type));
                long e = integer(want, width(type));
                if (a != e) {
                    return "element " + i + " is " + a + " where " + e + " is expected";
                }
            }
        }
        return null;
    }

    static boolean close(double actual, double expected) {
        if (Double.isNaN(actual) || Double.isNaN(expected)) {
            return Double.isNaN(actual) && Double.isNaN(expected);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return actual == expected;
        }
        return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
    }

    private static boolean isFloating(int type) {
        return type == DataType.FLOAT_VALUE || type == DataType.DOUBLE_VALUE || type == DataType.FLOAT16_VALUE
                || type == DataType.BFLOAT16_VALUE;
    }

    private static double floating(ByteBuffer b, int type) {
        return switch (type) {
            case DataType.FLOAT_VALUE -> b.getFloat();
            case DataType.DOUBLE_VALUE -> b.getDouble();
            case DataType.BFLOAT16_VALUE -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
            default -> halfToFloat(b.getShort());
        };
    }

    private static long integer(ByteBuffer b, int width) {
        return switch (width) {
            case 8 -> b.getLong();
            case 4 -> b.getInt();
            case 2 -> b.getShort();
            default -> b.get();
        };
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float v = mantissa / 1024f * (float) Math.pow(2, -14);
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    private static String[] flatten(Object value) {
        if (value instanceof String s) {
            return new String[] {s};
        }
        if (value instanceof String[] strings) {
            return strings;
        }
        Object[] rows = (Object[]) value;
        return Arrays.stream(rows).flatMap(r -> Arrays.stream(flatten(r))).toArray(String[]::new);
    }
}
