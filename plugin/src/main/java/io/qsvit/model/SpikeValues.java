package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tells whether a value carries spikes: the binary output of a threshold node (a comparison, usually cast
 * to float), possibly moved around by operators that only rearrange or select values. A layer whose input
 * carries spikes does accumulates (AC) on its weights; any other layer multiplies and accumulates (MAC).
 */
public final class SpikeValues {
    private static final Set<String> THRESHOLDS = Set.of("Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal");
    /** Operators whose outputs are made of their (first) input's values: spikes stay spikes. */
    private static final Set<String> REARRANGING = Set.of("Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze",
            "Identity", "MaxPool", "Slice", "Gather", "Expand", "Tile", "Split", "Pad", "Concat", "Cast");

    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, Boolean> memo = new HashMap<>();

    public SpikeValues(GraphProto graph) {
        for (NodeProto node : graph.getNodeList()) {
            for (String output : node.getOutputList()) {
                producers.put(output, node);
            }
        }
    }

    /** True when {@code value} holds only spikes (0 or 1) by construction. */
    public boolean isSpiking(String value) {
        Boolean known = memo.get(value);
        if (known != null) {
            return known;
        }
        NodeProto producer = producers.get(value);
        boolean spiking = false;
        if (producer != null) {
            if (THRESHOLDS.contains(producer.getOpType())) {
                spiking = true;
            } else if (REARRANGING.contains(producer.getOpType()) && producer.getInputCount() > 0) {
                spiking = producer.getOpType().equals("Concat")
                        ? producer.getInputList().stream().allMatch(this::isSpiking)
                        : isSpiking(producer.getInput(0));
            }
        }
        memo.put(value, spiking);
        return spiking;
    }
}
