package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Layer;
import io.qsvit.model.SpikeValues;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers every form of a quantized model computes as integer levels K through their operator, then the scale
 * (spike-input 1x1 Conv and MatMul layers with a large fan-in, {@link RuntimeRule}), found in a float graph, so that
 * the simulated model, the real one and the search's switchable session compute them alike: the sums of 0/1 spikes
 * times integers are exact in any kernel, and one multiply by the same scale rounds them the same way.
 */
public final class LevelSplit {
    private LevelSplit() {
    }

    /**
     * Where one layer sits in the graph.
     *
     * @param consumer  the layer's Conv or MatMul node (producing the layer's output), or null
     * @param transpose the Transpose between the weight and a MatMul when it is the weight's only reader, or null
     * @param spikes    whether the layer's input is spikes
     */
    public record Site(Layer layer, NodeProto consumer, NodeProto transpose, boolean spikes) {
        /** Whether the layer is split for schemes whose levels fit: its shape and input alone decide. */
        public boolean candidate() {
            return RuntimeRule.candidate(layer, consumer, transpose, spikes) > 0;
        }

        /** Whether the layer is split under this quantization of its weights. */
        public boolean splits(QuantizedTensor q) {
            return RuntimeRule.splits(layer, q, consumer, transpose, spikes);
        }

        /** The dims of the scale the unit multiplies the sums by: [1, C, 1, ...] for Conv, [N] for MatMul. */
        public int[] scaleDims() {
            int channels = layer.dims()[layer.channelAxis()];
            return layer.opType().equals("Conv") ? IntegerForm.channelDims(layer.dims().length, channels)
                    : new int[] {channels};
        }

        /**
         * The nodes that replace the consumer: the operator without its bias into {@code output.qacc}, Mul by
         * {@code scale}, Add of the bias; {@code shared} receives the bias shape tensor.
         */
        public List<NodeProto> nodes(String scale, Map<String, TensorProto> shared) {
            return IntegerForm.floatUnit(layer, consumer, scale, layer.dims().length, shared);
        }
    }

    /** The site of every layer (by weight tensor name), in layer order. */
    public static Map<String, Site> sites(GraphProto graph, Collection<Layer> layers) {
        Map<String, NodeProto> producers = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(o -> producers.put(o, node));
            node.getInputList().forEach(in -> readers.merge(in, 1, Integer::sum));
        }
        SpikeValues spikes = new SpikeValues(graph);
        Map<String, Site> sites = new LinkedHashMap<>();
        for (Layer layer : layers) {
            NodeProto consumer = producers.get(layer.output());
            NodeProto transpose = null;
            if (consumer != null && layer.via().equals(List.of("Transpose")) && layer.weightInput() < consumer.getInputCount()) {
                NodeProto t = producers.get(consumer.getInput(layer.weightInput()));
                boolean sole = t != null && t.getOpType().equals("Transpose") && readers.get(t.getOutput(0)) == 1
                        && readers.getOrDefault(layer.tensorName(), 0) == 1;
                transpose = sole ? t : null;
            }
            sites.put(layer.tensorName(), new Site(layer, consumer, transpose, spikes.isSpiking(layer.dataInput())));
        }
        return sites;
    }

    /** The graph's nodes with each node keyed (by its output) in {@code replacements} replaced by its list. */
    public static List<NodeProto> replaced(List<NodeProto> nodes, Map<String, List<NodeProto>> replacements) {
        List<NodeProto> out = new ArrayList<>(nodes.size());
        for (NodeProto node : nodes) {
            List<NodeProto> instead = node.getOutputCount() == 1 ? replacements.get(node.getOutput(0)) : null;
            out.addAll(instead != null ? instead : List.of(node));
        }
        return out;
    }
}
