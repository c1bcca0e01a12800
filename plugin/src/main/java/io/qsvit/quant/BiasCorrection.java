package io.qsvit.quant;

import io.qsvit.model.NodeAttributes;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TensorData;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bias correction: the expected output shift a layer's quantization causes, E[(W - Q(W)) x], folded into its bias
 * so that the quantized layer's mean output matches the float one. Per output channel c the shift is
 * {@code sum_k (W - Q(W))[c, k] * mean(x_k)}, with {@code mean(x_k)} the mean of the layer's data input channel k
 * over the calibration images (for a spike input, its firing rate). The corrected float model is then quantized
 * as any other, so the simulated and the real model carry the same corrected bias.
 */
public final class BiasCorrection {
    private BiasCorrection() {
    }

    /** Whether the layer's shift can be measured and folded: float32 Conv, MatMul (right operand) or Gemm. */
    public static boolean supported(Layer layer, NodeProto consumer) {
        if (consumer == null || layer.dims().length < 2) {
            return false;
        }
        return switch (layer.opType()) {
            case "Conv" -> layer.weightInput() == 1 && layer.channelAxis() == 0 && layer.dims().length >= 3;
            case "MatMul" -> layer.weightInput() == 1 && layer.dims().length == 2;
            case "Gemm" -> layer.weightInput() == 1 && layer.dims().length == 2 && NodeAttributes.integer(consumer, "transA", 0) == 0
                    && NodeAttributes.real(consumer, "beta", 1f) != 0f;
            default -> false;
        };
    }

    /** Number of input channels whose means the layer's shift needs (the size of its data input's last or C axis). */
    public static int inputChannels(Layer layer, NodeProto consumer) {
        int[] d = layer.dims();
        if (layer.opType().equals("Conv")) {
            return d[1] * (int) NodeAttributes.integer(consumer, "group", 1);
        }
        return d[1 - layer.channelAxis()];
    }

    /**
     * The shift of every output channel.
     *
     * @param delta       W - Q(W) in the stored layout {@code dims}
     * @param channelAxis the output channel axis of {@code dims}
     * @param conv        a Conv weight [C_out, C_in / groups, k...] (else a 2-D matrix)
     * @param groups      the Conv's groups (1 otherwise)
     * @param means       per input channel mean of the data input
     */
    public static double[] shift(float[] delta, int[] dims, int channelAxis, boolean conv, int groups, double[] means) {
        if (conv) {
            int out = dims[0];
            int perGroupIn = dims[1];
            int taps = delta.length / (out * perGroupIn);
            int outPerGroup = out / groups;
            double[] s = new double[out];
            for (int c = 0; c < out; c++) {
                int firstIn = (c / outPerGroup) * perGroupIn;
                double sum = 0;
                for (int ci = 0; ci < perGroupIn; ci++) {
                    double m = means[firstIn + ci];
                    int base = (c * perGroupIn + ci) * taps;
                    for (int t = 0; t < taps; t++) {
                        sum += delta[base + t] * m;
                    }
                }
                s[c] = sum;
            }
            return s;
        }
        int rows = dims[0];
        int cols = dims[1];
        double[] s = new double[dims[channelAxis]];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                double d = delta[r * cols + k];
                if (channelAxis == 0) {
                    s[r] += d * means[k];
                } else {
                    s[k] += d * means[r];
                }
            }
        }
        return s;
    }

    /**
     * The shift of every quantized, supported layer whose input means were measured (layer tensor name -> shift),
     * in layer order; {@code means} is keyed by data input name.
     */
    public static Map<String, double[]> shifts(ModelLayers model, Setting setting, Map<String, double[]> means) {
        Map<String, NodeProto> producers = producers(model.model().proto().getGraph());
        Map<String, TensorProto> initializers = new HashMap<>();
        model.model().proto().getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        LayerWeights weights = LayerWeights.of(model.model());
        Map<String, double[]> shifts = new LinkedHashMap<>();
        for (Group group : model.groups()) {
            Scheme scheme = setting.schemeOf(group);
            if (scheme instanceof Scheme.Float32) {
                continue;
            }
            for (Layer layer : group.layers()) {
                NodeProto consumer = producers.get(layer.output());
                double[] m = means.get(layer.dataInput());
                if (!supported(layer, consumer) || m == null || m.length != inputChannels(layer, consumer)
                        || !biasFoldable(layer, consumer, initializers)) {
                    continue;
                }
                float[] w = weights.floats(layer);
                float[] q = w.clone();
                Quantizer.quantize(layer.path(), q, layer.dims(), layer.channelAxis(), scheme).dequantizeInto(q);
                for (int i = 0; i < w.length; i++) {
                    q[i] = w[i] - q[i];
                }
                boolean conv = layer.opType().equals("Conv");
                double[] s = shift(q, layer.dims(), layer.channelAxis(), conv,
                        conv ? (int) NodeAttributes.integer(consumer, "group", 1) : 1, m);
                if (layer.opType().equals("Gemm")) {
                    float alpha = NodeAttributes.real(consumer, "alpha", 1f);
                    float beta = NodeAttributes.real(consumer, "beta", 1f);
                    for (int i = 0; i < s.length; i++) {
                        s[i] *= alpha / beta; // C is scaled by beta: fold shift / beta into it
                    }
                }
                shifts.put(layer.tensorName(), s);
            }
        }
        return shifts;
    }

    /**
     * The model with each shift added to its layer's bias: a Conv's third input, a Gemm's C (one new tensor per
     * layer, so a bias two layers share is never changed for both), or an Add after a MatMul (the MatMul's output
     * renamed {@code y.uncorrected}, the Add producing {@code y}, so every reader and graph output stays).
     */
    public static OnnxModel fold(ModelLayers model, Map<String, double[]> shifts) {
        GraphProto.Builder graph = model.model().proto().getGraph().toBuilder();
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Map<String, Layer> byOutput = new HashMap<>();
        for (Layer layer : model.layers()) {
            if (shifts.containsKey(layer.tensorName())) {
                byOutput.put(layer.output(), layer);
            }
        }
        List<NodeProto> nodes = new java.util.ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            Layer layer = node.getOutputCount() == 1 ? byOutput.get(node.getOutput(0)) : null;
            if (layer == null) {
                nodes.add(node);
                continue;
            }
            double[] s = shifts.get(layer.tensorName());
            String name = layer.tensorName() + ".bias_corrected";
            int biasInput = 2; // Conv B, Gemm C
            if (layer.opType().equals("MatMul")) {
                String y = node.getOutput(0);
                nodes.add(node.toBuilder().setOutput(0, y + ".uncorrected").build());
                graph.addInitializer(floats(name, s, null));
                nodes.add(NodeProto.newBuilder().setOpType("Add").setName(node.getName() + "/bias_correction")
                        .addInput(y + ".uncorrected").addInput(name).addOutput(y).build());
                continue;
            }
            NodeProto.Builder b = node.toBuilder();
            String old = node.getInputCount() > biasInput ? node.getInput(biasInput) : "";
            float[] base = null;
            if (!old.isEmpty()) { // checked by biasFoldable when the shift was measured
                base = TensorData.floats(initializers.get(old), model.model());
            }
            graph.addInitializer(floats(name, s, base));
            while (b.getInputCount() < biasInput) {
                b.addInput("");
            }
            if (b.getInputCount() > biasInput) {
                b.setInput(biasInput, name);
            } else {
                b.addInput(name);
            }
            nodes.add(b.build());
        }
        graph.clearNode().addAllNode(nodes);
        return new OnnxModel(model.model().proto().toBuilder().setGraph(graph).build(), model.model().file());
    }

    /**
     * Whether the layer's existing bias (if any) is a float32 initializer with one value per output channel; a
     * computed, float16 or broadcast bias is left as it is and the layer uncorrected.
     */
    private static boolean biasFoldable(Layer layer, NodeProto consumer, Map<String, TensorProto> initializers) {
        if (layer.opType().equals("MatMul") || consumer.getInputCount() <= 2 || consumer.getInput(2).isEmpty()) {
            return true;
        }
        TensorProto bias = initializers.get(consumer.getInput(2));
        return bias != null && bias.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && io.qsvit.model.TensorShapes.elements(bias) == layer.dims()[layer.channelAxis()];
    }

    private static TensorProto floats(String name, double[] shift, float[] base) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(shift.length);
        for (int i = 0; i < shift.length; i++) {
            t.addFloatData((float) ((base == null ? 0f : base[i]) + shift[i]));
        }
        return t.build();
    }

    private static Map<String, NodeProto> producers(GraphProto graph) {
        Map<String, NodeProto> producers = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        return producers;
    }

}
