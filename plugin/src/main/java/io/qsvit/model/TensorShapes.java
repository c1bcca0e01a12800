package io.qsvit.model;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.qsvit.UserInputException;

import java.util.List;

/** Element counts and byte sizes of ONNX tensors. */
public final class TensorShapes {
    private TensorShapes() {
    }

    /** The dims as ints; a dim a model may hold but no tensor can have (negative, over 2^31 - 1) is the user's error. */
    public static int[] dims(TensorProto tensor) {
        List<Long> dims = tensor.getDimsList();
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) {
            long d = dims.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new UserInputException("tensor '" + tensor.getName() + "' has dimension " + d + ", outside 0 to "
                        + Integer.MAX_VALUE);
            }
            out[i] = (int) d;
        }
        return out;
    }

    /** Element count, checked: no negative dim, no product past {@code Long.MAX_VALUE}. */
    public static long elements(TensorProto tensor) {
        long n = 1;
        for (long d : tensor.getDimsList()) {
            if (d < 0) {
                throw new UserInputException("tensor '" + tensor.getName() + "' has dimension " + d + ", outside 0 to "
                        + Integer.MAX_VALUE);
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new UserInputException("tensor '" + tensor.getName() + "' has more elements than any file can hold");
            }
        }
        return n;
    }

    public static long elements(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Bytes of the tensor's data as raw_data holds it (4-bit types packed two to a byte). */
    public static long byteSize(TensorProto tensor) {
        long n = elements(tensor);
        if (n > Long.MAX_VALUE / 16) {
            throw new UserInputException("tensor '" + tensor.getName() + "' has more elements than any file can hold");
        }
        return switch (tensor.getDataType()) {
            case DataType.INT4_VALUE, DataType.UINT4_VALUE -> (n + 1) / 2;
            case DataType.BOOL_VALUE, DataType.INT8_VALUE, DataType.UINT8_VALUE, DataType.FLOAT8E4M3FN_VALUE,
                 DataType.FLOAT8E4M3FNUZ_VALUE, DataType.FLOAT8E5M2_VALUE, DataType.FLOAT8E5M2FNUZ_VALUE -> n;
            case DataType.INT16_VALUE, DataType.UINT16_VALUE, DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE -> 2 * n;
            case DataType.DOUBLE_VALUE, DataType.INT64_VALUE, DataType.UINT64_VALUE, DataType.COMPLEX64_VALUE -> 8 * n;
            case DataType.COMPLEX128_VALUE -> 16 * n;
            default -> 4 * n;
        };
    }
}
