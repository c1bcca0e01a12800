package io.qsvit.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.qsvit.model.OnnxWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A synthetic image classifier on 3x224x224 input for the images benchmark, shaped like a small vision
 * transformer: a 16x16 patch embedding (stride 16, 192 channels: 14 x 14 tokens), blocks of 1x1 convolutions
 * (192 -> 768 -> 192, ReLU; the MLP of a ViT-Tiny block), global average pooling and a 1000-class head. About
 * 0.5 GMAC per image with four blocks. Gaussian weights from a fixed seed: the timing, not the answer, matters.
 */
final class ImageClassifierModel {
    static final int SIDE = 224;
    private static final int WIDTH = 192;
    private static final int CLASSES = 1000;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("synthetic-vit-224");
    private final SplittableRandom random = new SplittableRandom(224);
    private String previous = "image";

    private ImageClassifierModel() {
    }

    static ModelProto build(int blocks) {
        ImageClassifierModel m = new ImageClassifierModel();
        m.graph.addInput(value("image", -1, 3, SIDE, SIDE));
        m.conv("patch_embed", WIDTH, 3, 16, 16);
        for (int b = 0; b < blocks; b++) {
            m.conv("block" + b + "/fc1", 4 * WIDTH, WIDTH, 1, 1);
            m.op("Relu", "block" + b + "/act");
            m.conv("block" + b + "/fc2", WIDTH, 4 * WIDTH, 1, 1);
        }
        m.op("GlobalAveragePool", "pool");
        m.op("Flatten", "flatten");
        String weight = m.weights("head.weight", new int[] {CLASSES, WIDTH}, WIDTH);
        m.graph.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("/head/Gemm").addInput(m.previous)
                .addInput(weight).addOutput("scores")
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)));
        m.graph.addOutput(value("scores", -1, CLASSES));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("qsvit benchmark")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(m.graph).build();
    }

    private void conv(String path, int out, int in, int k, int stride) {
        String weight = weights(path + ".weight", new int[] {out, in, k, k}, in * k * k);
        String output = "/" + path + "/Conv_output_0";
        graph.addNode(NodeProto.newBuilder().setOpType("Conv").setName("/" + path + "/Conv").addInput(previous)
                .addInput(weight).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("strides").setType(AttributeProto.AttributeType.INTS)
                        .addInts(stride).addInts(stride)));
        previous = output;
    }

    private void op(String type, String path) {
        String output = "/" + path + "/" + type + "_output_0";
        graph.addNode(NodeProto.newBuilder().setOpType(type).setName("/" + path + "/" + type).addInput(previous)
                .addOutput(output));
        previous = output;
    }

    private String weights(String name, int[] dims, int fanIn) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        float std = (float) Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < n; i++) {
            bytes.putFloat((float) (random.nextDouble() * 2 - 1) * std);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(OnnxWriter.wrap(bytes.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static ValueInfoProto value(String name, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
