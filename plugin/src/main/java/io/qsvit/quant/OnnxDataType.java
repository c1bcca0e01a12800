package io.qsvit.quant;

/** The ONNX TensorProto.DataType numbers of the containers a scheme stores its codes in. */
public final class OnnxDataType {
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int UINT32 = 12;
    public static final int UINT4 = 21;
    public static final int INT4 = 22;

    private OnnxDataType() {
    }
}
