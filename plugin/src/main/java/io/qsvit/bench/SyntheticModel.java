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
 * 1x1 projection convs (attention q/k/v/proj and a 4x MLP), Gaussian weights from a fixed seed.
 */
final class SyntheticModel {
    private static final int[] CHANNELS = {64, 128, 256, 512};
    private static final int[] BLOCKS = {2, 2, 6, 4};

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("synthetic-sdtv2");
    private final SplittableRandom random = new SplittableRandom(55);
    private String previous = "image";

    static ModelProto build(double scale) {
        SyntheticModel m = new SyntheticModel();
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
        // declared input and output: a graph reading an undeclared value is refused when read (GraphCheck)
        m.graph.addInput(value("image")).addOutput(value(m.previous));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("qsvit benchmark")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(m.graph).build();
    }

    private static ValueInfoProto value(String name) {
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
        graph.addNode(NodeProto.newBuilder().setOpType("Conv").setName("/" + path + "/Conv")
                .addInput(previous).addInput(weight).addOutput(output));
        previous = output;
    }
}
