package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
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

/** Small hand-built ONNX graphs for tests. */
public final class TestGraphs {
    private TestGraphs() {
    }

    /** A float tensor with the given values. */
    public static TensorProto tensor(String name, float[] values, int... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /**
     * image [N,1,2,2] -> Flatten -> MatMul(enc [4,3]) -> GreaterOrEqual 0.5 -> Cast -> MatMul(head [3,2]): the
     * encoder multiplies analog pixels (hidden j = pixel j, j < 3), the head accumulates spikes.
     */
    public static ModelProto spikingClassifier() {
        float[] enc = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
        GraphProto graph = GraphProto.newBuilder()
                .addInput(floatValue("image", -1, 1, 2, 2))
                .addOutput(floatValue("scores", -1, 2))
                .addInitializer(tensor("enc.weight", enc, 4, 3))
                .addInitializer(tensor("head.weight", new float[] {1, 0, 0, 1, 1, 1}, 3, 2))
                .addInitializer(tensor("threshold", new float[] {0.5f}))
                .addNode(node("Flatten", "/flatten/Flatten", new String[] {"image"}, "flat"))
                .addNode(node("MatMul", "/enc/MatMul", new String[] {"flat", "enc.weight"}, "membrane"))
                .addNode(node("GreaterOrEqual", "/lif/GreaterOrEqual", new String[] {"membrane", "threshold"}, "fired"))
                .addNode(node("Cast", "/lif/Cast", new String[] {"fired"}, "spikes", integer("to", 1)))
                .addNode(node("MatMul", "/head/MatMul", new String[] {"spikes", "head.weight"}, "scores"))
                .build();
        return model(graph, 17);
    }

    public static TensorProto floats(String name, long seed, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        Random random = new Random(seed);
        ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bytes.putFloat((float) random.nextGaussian() * 0.1f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    public static NodeProto node(String op, String name, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    public static ModelProto model(GraphProto graph, int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("qsvit tests").setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    /**
     * x[?,8] -> MatMul(x, Transpose(W1 [4,8])) -> Gemm(., W2 [3,4], transB=1) -> y[?,3]: a two-layer MLP with
     * paths on initializers (the dynamo style) and anonymous nodes.
     */
    public static ModelProto mlp() {
        GraphProto graph = GraphProto.newBuilder().setName("mlp")
                .addInput(floatValue("x", -1, 8))
                .addOutput(floatValue("y", -1, 3))
                .addInitializer(floats("encoder.fc.weight", 1, 4, 8))
                .addInitializer(floats("head.weight", 2, 3, 4))
                .addInitializer(floats("head.bias", 3, 3))
                .addNode(node("Transpose", "node_Transpose_0", new String[] {"encoder.fc.weight"}, "wt", ints("perm", 1, 0)))
                .addNode(node("MatMul", "node_MatMul_1", new String[] {"x", "wt"}, "h"))
                .addNode(node("Relu", "node_Relu_2", new String[] {"h"}, "r"))
                .addNode(node("Gemm", "node_Gemm_3", new String[] {"r", "head.weight", "head.bias"}, "y", integer("transB", 1)))
                .build();
        return model(graph, 13);
    }

    /**
     * A spiking classifier whose input has a time axis: events [N, T, 2, 2, 2] ({@code timeMajor}: [T, N, 2, 2, 2])
     * -> time-major [T*N, 8] -> MatMul(enc [8, 3], picking features 0, 1, 2) -> GreaterOrEqual 0.5 -> Cast ->
     * MatMul(head [3, 2]) -> [T, N, 2] -> ReduceMean over time: every timestep sees its own frame.
     */
    public static ModelProto timeAxisClassifier(boolean timeMajor, int timesteps) {
        float[] enc = new float[8 * 3];
        enc[0] = 1;
        enc[3 + 1] = 1;
        enc[6 + 2] = 1;
        GraphProto.Builder graph = GraphProto.newBuilder()
                .addInput(timeMajor ? floatValue("events", timesteps, -1, 2, 2, 2) : floatValue("events", -1, timesteps, 2, 2, 2))
                .addOutput(floatValue("scores", -1, 2))
                .addInitializer(tensor("enc.weight", enc, 8, 3))
                .addInitializer(tensor("head.weight", new float[] {1, 0, 0, 1, 1, 1}, 3, 2))
                .addInitializer(tensor("threshold", new float[] {0.5f}))
                .addInitializer(longs("fold", -1, 8))
                .addInitializer(longs("unfold", timesteps, -1, 2));
        String folded = "events";
        if (!timeMajor) {
            graph.addNode(node("Transpose", "/time/Transpose", new String[] {"events"}, "time_major", ints("perm", 1, 0, 2, 3, 4)));
            folded = "time_major";
        }
        graph.addNode(node("Reshape", "/fold/Reshape", new String[] {folded, "fold"}, "flat"))
                .addNode(node("MatMul", "/enc/MatMul", new String[] {"flat", "enc.weight"}, "membrane"))
                .addNode(node("GreaterOrEqual", "/lif/GreaterOrEqual", new String[] {"membrane", "threshold"}, "fired"))
                .addNode(node("Cast", "/lif/Cast", new String[] {"fired"}, "spikes", integer("to", 1)))
                .addNode(node("MatMul", "/head/MatMul", new String[] {"spikes", "head.weight"}, "per_step"))
                .addNode(node("Reshape", "/unfold/Reshape", new String[] {"per_step", "unfold"}, "steps"))
                .addNode(node("ReduceMean", "/mean/ReduceMean", new String[] {"steps"}, "scores", ints("axes", 0),
                        integer("keepdims", 0)));
        return model(graph.build(), 17);
    }

    /** An int64 tensor (shapes for Reshape). */
    public static TensorProto longs(String name, long... values) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()).build();
    }
}
