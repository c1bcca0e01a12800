package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.opset.OpsetConverter;
import io.qsvit.quant.BiasCorrection;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The per-channel mean of the data input of every layer bias correction supports, over calibration images, in one
 * ONNX Runtime pass of the float model: each input is exposed as a graph output reduced in the graph (Reshape, then
 * ReduceMean over all but the channel axis: C of a Conv input, the last axis of a MatMul or Gemm input). For a spike
 * input the means are the per-channel firing rates.
 */
public final class InputMeans {
    static final String PREFIX = "qsvit/mean/";

    private InputMeans() {
    }

    /** Data input name -> per-channel means, for the layers {@link BiasCorrection#supported} takes. */
    public static Map<String, double[]> measure(ModelLayers model, io.qsvit.model.Grouping grouping,
                                               EvaluationData calibration, int threads, int batchSize) {
        ModelLayers measuring = ModelLayers.of(withMeanOutputs(model), grouping);
        try (EvaluationSession session = EvaluationSession.openFixed(measuring, threads)) {
            Dataset data = calibration.loadFor(session);
            return session.outputMeans(data, batchSize, PREFIX);
        }
    }

    /** The same, on images already loaded (checked against the model's input as a session checks them). */
    public static Map<String, double[]> measure(ModelLayers model, io.qsvit.model.Grouping grouping, Dataset data,
                                               int threads, int batchSize) {
        ModelLayers measuring = ModelLayers.of(withMeanOutputs(model), grouping);
        try (EvaluationSession session = EvaluationSession.openFixed(measuring, threads)) {
            return session.outputMeans(data, batchSize, PREFIX);
        }
    }

    /** The model with one per-channel mean output per distinct data input of a supported layer. */
    static OnnxModel withMeanOutputs(ModelLayers model) {
        GraphProto source = model.model().proto().getGraph();
        GraphProto.Builder graph = source.toBuilder();
        Map<String, NodeProto> producers = new HashMap<>();
        source.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        boolean axesAsInput = OpsetConverter.opset(model.model().proto()) >= 18;
        Set<String> done = new java.util.HashSet<>();
        Map<String, String> shapes = new LinkedHashMap<>();
        for (Layer layer : model.layers()) {
            NodeProto consumer = producers.get(layer.output());
            if (!BiasCorrection.supported(layer, consumer) || !done.add(layer.dataInput())) {
                continue;
            }
            String x = layer.dataInput();
            boolean conv = layer.opType().equals("Conv");
            // Conv: [N, C, ...] -> [N, C, S], mean over 0 and 2; MatMul/Gemm: [..., K] -> [R, K], mean over 0
            long[] shape = conv ? new long[] {0, 0, -1} : new long[] {-1, BiasCorrection.inputChannels(layer, consumer)};
            long[] axes = conv ? new long[] {0, 2} : new long[] {0};
            String shapeName = PREFIX + "shape/" + java.util.Arrays.toString(shape);
            if (shapes.put(shapeName, shapeName) == null) {
                graph.addInitializer(longs(shapeName, shape));
            }
            String flat = PREFIX + x + "::flat";
            String mean = PREFIX + x + "::mean";
            graph.addNode(NodeProto.newBuilder().setOpType("Reshape").setName(flat).addInput(x).addInput(shapeName)
                    .addOutput(flat));
            NodeProto.Builder reduce = NodeProto.newBuilder().setOpType("ReduceMean").setName(mean).addInput(flat)
                    .addOutput(mean).addAttribute(AttributeProto.newBuilder().setName("keepdims")
                            .setType(AttributeProto.AttributeType.INT).setI(0));
            if (axesAsInput) {
                String axesName = PREFIX + "axes/" + java.util.Arrays.toString(axes);
                if (shapes.put(axesName, axesName) == null) {
                    graph.addInitializer(longs(axesName, axes));
                }
                reduce.addInput(axesName);
            } else {
                AttributeProto.Builder a = AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS);
                for (long axis : axes) {
                    a.addInts(axis);
                }
                reduce.addAttribute(a);
            }
            graph.addNode(reduce);
            // a float16 model's inputs are float16: the means are read as float32 either way
            graph.addNode(NodeProto.newBuilder().setOpType("Cast").setName(PREFIX + x).addInput(mean).addOutput(PREFIX + x)
                    .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                            .setI(TensorProto.DataType.FLOAT_VALUE)));
            graph.addOutput(ValueInfoProto.newBuilder().setName(PREFIX + x).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        }
        return new OnnxModel(model.model().proto().toBuilder().setGraph(graph).build(), model.model().file());
    }

    private static TensorProto longs(String name, long[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }
}
