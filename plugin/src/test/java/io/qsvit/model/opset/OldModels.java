package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Small models written as older exporters wrote them, for the converter's tests. */
final class OldModels {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private OldModels() {
    }

    static ModelProto model(int opset, GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(OpsetConverter.irVersion(opset)).setProducerName("qsvit-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
    }

    /** A tensor value of the given element type; {@code dims} null leaves the shape (and rank) unknown. */
    static ValueInfoProto value(String name, int type, long... dims) {
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(type);
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (long d : dims) {
                shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("n")
                        : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            tensor.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    static ValueInfoProto floats(String name, long... dims) {
        return value(name, FLOAT, dims);
    }

    static NodeProto.Builder node(String op, String[] inputs, String... outputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op + "_" + outputs[0]);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (String o : outputs) {
            b.addOutput(o);
        }
        return b;
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto floats(String name, float... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOATS);
        for (float x : v) {
            a.addFloats(x);
        }
        return a.build();
    }

    static AttributeProto graph(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.GRAPH).setG(g).build();
    }

    static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto longTensor(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto doubleTensor(String name, double[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DOUBLE).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto bool(String name, boolean value) {
        return TensorProto.newBuilder().setName(name).setDataType(BOOL)
                .setRawData(ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)})).build();
    }

    /** Values in [-3, 3) with a few exact ties and zeros, seeded. */
    static TensorProto randomFloats(String name, long seed, long... dims) {
        Random r = new Random(seed);
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = r.nextInt(8) == 0 ? Math.round(r.nextFloat() * 4 - 2) : r.nextFloat() * 6 - 3;
        }
        return floatTensor(name, v, dims);
    }
}
