package io.qsvit.bench;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.OnnxWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A synthetic model sized like SDTv2-55M for benchmarks (scale 1.7 gives 55.9M weights): per stage a 3x3 downsampling conv and blocks of
 * 1x1 projection convs (attention q/k/v/proj and a 4x MLP), Gaussian weights from a fixed seed. {@link #build}
 * chains the convolutions as they are (for apply, which never runs the model); {@link #spiking} makes a model
 * that runs: 3x3 convs downsample by 2 (padding 1), every conv but the first reads spikes (a threshold at 0, cast
 * to float, as the reference models' neurons give them) and adds a bias, and the output is the last stage's
 * channels averaged over space ([batch, channels], class-score shaped).
 */
final class SyntheticModel {
    private static final int[] CHANNELS = {64, 128, 256, 512};
    private static final int[] BLOCKS = {2, 2, 6, 4};

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("synthetic-sdtv2");
    private final SplittableRandom random = new SplittableRandom(55);
    private final boolean spiking;
    private String previous = "image";

    private SyntheticModel(boolean spiking) {
        this.spiking = spiking;
    }

    /** The spiking model's input images: 3 x {@value #SIDE} x {@value #SIDE}. */
    static final int SIDE = 64;

    static ModelProto spiking(double scale) {
        SyntheticModel m = new SyntheticModel(true);
        m.graph.addInitializer(TensorProto.newBuilder().setName("threshold").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(OnnxWriter.wrap(new byte[4])));
        m.graph.addInitializer(TensorProto.newBuilder().setName("spatial_axes").setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(2).setRawData(OnnxWriter.wrap(java.nio.ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(2).putLong(3).array())));
        m.stages(scale);
        m.graph.addNode(NodeProto.newBuilder().setOpType("ReduceMean").setName("/head/ReduceMean").addInput(m.previous)
                .addInput("spatial_axes").addOutput("scores").addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                        .setName("keepdims").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
        m.graph.addInput(value("image", -1, 3, SIDE, SIDE)).addOutput(value("scores", -1, -1));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("qsvit benchmark")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(18)).setGraph(m.graph).build();
    }

    private static ai.onnx.proto.OnnxMl.ValueInfoProto value(String name, long... dims) {
        ai.onnx.proto.OnnxMl.TensorShapeProto.Builder shape = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("d" + shape.getDimCount())
                    : ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    static ModelProto build(double scale) {
        SyntheticModel m = new SyntheticModel(false);
        m.stages(scale);
        // declared input and output: a graph reading an undeclared value is refused when read (GraphCheck)
        m.graph.addInput(unshaped("image")).addOutput(unshaped(m.previous));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("qsvit benchmark")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(m.graph).build();
    }

    private void stages(double scale) {
        SyntheticModel m = this;
        int in = 3;
        for (int s = 0; s < CHANNELS.length; s++) {
            int c = (int) Math.round(CHANNELS[s] * scale);
            m.conv("stage" + (s + 1) + "/downsample/conv", c, in, 3);
            for (int b = 1; b <= BLOCKS[s]; b++) {
                String block = "stage" + (s + 1) + "/block" + b;
                for (String p : new String[] {"q", "k", "v", "proj"}) {
                    m.conv(block + "/attn/" + p, c, c, 1);
                }
                m.conv(block + "/mlp/fc1", 4 * c, c, 1);
                m.conv(block + "/mlp/fc2", c, 4 * c, 1);
            }
            in = c;
        }
    }

    /** A float tensor of unknown shape. */
    private static ValueInfoProto unshaped(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
    }

    private void conv(String path, int out, int in, int k) {
        String weight = "onnx::Conv_" + graph.getInitializerCount();
        int n = out * in * k * k;
        ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        float std = (float) Math.sqrt(2.0 / (in * k * k));
        for (int i = 0; i < n; i++) {
            bytes.putFloat((float) (random.nextDouble() * 2 - 1) * std);
        }
        graph.addInitializer(TensorProto.newBuilder().setName(weight).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(out).addDims(in).addDims(k).addDims(k).setRawData(OnnxWriter.wrap(bytes.array())));
        String output = "/" + path + "/Conv_output_0";
        if (!spiking) {
            graph.addNode(NodeProto.newBuilder().setOpType("Conv").setName("/" + path + "/Conv")
                    .addInput(previous).addInput(weight).addOutput(output));
            previous = output;
            return;
        }
        String input = previous;
        if (!previous.equals("image")) { // a neuron's spikes: threshold, cast to float
            graph.addNode(NodeProto.newBuilder().setOpType("GreaterOrEqual").setName("/" + path + "/lif/GreaterOrEqual")
                    .addInput(previous).addInput("threshold").addOutput("/" + path + "/lif/fired"));
            graph.addNode(NodeProto.newBuilder().setOpType("Cast").setName("/" + path + "/lif/Cast")
                    .addInput("/" + path + "/lif/fired").addOutput("/" + path + "/lif/spikes")
                    .addAttribute(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
            input = "/" + path + "/lif/spikes";
        }
        String bias = weight + ".bias";
        ByteBuffer biasBytes = ByteBuffer.allocate(4 * out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out; i++) {
            biasBytes.putFloat((float) (random.nextDouble() * 0.2 - 0.1));
        }
        graph.addInitializer(TensorProto.newBuilder().setName(bias).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(out).setRawData(OnnxWriter.wrap(biasBytes.array())));
        NodeProto.Builder node = NodeProto.newBuilder().setOpType("Conv").setName("/" + path + "/Conv")
                .addInput(input).addInput(weight).addInput(bias).addOutput(output);
        if (k > 1) {
            node.addAttribute(ints("strides", 2, 2)).addAttribute(ints("pads", 1, 1, 1, 1));
        }
        graph.addNode(node);
        previous = output;
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto intAttribute(String name, long value) {
        return ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto ints(String name, long... values) {
        ai.onnx.proto.OnnxMl.AttributeProto.Builder a = ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
