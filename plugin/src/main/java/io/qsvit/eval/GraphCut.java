package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session graph cut in two where some weights change: the prefix computes everything those weights cannot
 * reach, the suffix everything they can. The frontier is every tensor the prefix computes from the data and the
 * suffix reads (a residual path that skips the changed layers crosses it like the main path). Nodes that read
 * only constants (shapes, folded values) go to whichever side needs them, so ONNX Runtime folds them as it does
 * in the whole graph.
 *
 * @param frontier     tensors computed by the prefix and read by the suffix, in graph order
 * @param prefixOutputs the prefix graph's outputs: the frontier, then the firing rates the changed weights
 *                     cannot reach
 * @param suffixRates  the firing-rate outputs of the suffix
 */
record GraphCut(GraphProto prefix, GraphProto suffix, List<String> frontier, List<String> prefixOutputs,
                List<String> suffixRates) {

    /**
     * Cuts {@code graph} (a switchable session graph: the data input, then the weights as inputs) where the
     * weights {@code changed} change. Empty when nothing can be reused: no node escapes the changed weights,
     * the data input itself crosses, the scores do not depend on the changed weights, or a node holds a
     * subgraph (whose reads of outer tensors this cut does not follow).
     */
    static Optional<GraphCut> of(GraphProto graph, String dataInput, Set<String> changed) {
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        Set<String> dataDependent = new HashSet<>();
        for (ValueInfoProto input : graph.getInputList()) {
            if (!initializers.contains(input.getName())) {
                dataDependent.add(input.getName());
            }
        }
        Set<String> affected = new HashSet<>(changed);
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG() || attribute.getGraphsCount() > 0) {
                    return Optional.empty();
                }
            }
            boolean fromData = node.getInputList().stream().anyMatch(dataDependent::contains);
            boolean hit = node.getInputList().stream().anyMatch(affected::contains);
            for (String output : node.getOutputList()) {
                producer.put(output, node);
                if (fromData) {
                    dataDependent.add(output);
                }
                if (hit) {
                    affected.add(output);
                }
            }
        }
        String scores = graph.getOutput(0).getName();
        if (!affected.contains(scores)) {
            return Optional.empty();
        }
        Set<String> frontier = new LinkedHashSet<>();
        Set<String> weightInputs = new HashSet<>();
        graph.getInputList().forEach(i -> {
            if (!i.getName().equals(dataInput) && !initializers.contains(i.getName())) {
                weightInputs.add(i.getName());
            }
        });
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOutputList().stream().anyMatch(affected::contains)) {
                for (String input : node.getInputList()) {
                    if (dataDependent.contains(input) && !affected.contains(input) && !weightInputs.contains(input)) {
                        frontier.add(input);
                    }
                }
            }
        }
        if (frontier.isEmpty() || frontier.contains(dataInput)) {
            return Optional.empty();
        }
        List<String> prefixOutputs = new ArrayList<>(frontier);
        List<String> suffixOutputs = new ArrayList<>(List.of(scores));
        List<String> suffixRates = new ArrayList<>();
        for (ValueInfoProto output : graph.getOutputList().subList(1, graph.getOutputCount())) {
            if (affected.contains(output.getName())) {
                suffixOutputs.add(output.getName());
                suffixRates.add(output.getName());
            } else {
                prefixOutputs.add(output.getName());
            }
        }
        GraphProto prefix = part(graph, producer, prefixOutputs, Set.of(), "prefix");
        GraphProto suffix = part(graph, producer, suffixOutputs, frontier, "suffix");
        return Optional.of(new GraphCut(prefix, suffix, List.copyOf(frontier), List.copyOf(prefixOutputs),
                List.copyOf(suffixRates)));
    }

    /**
     * The nodes that compute {@code outputs}, reading {@code fed} as inputs (declared without a type: the
     * suffix session is given their types by {@link #suffixWithInputs}).
     */
    private static GraphProto part(GraphProto graph, Map<String, NodeProto> producer, List<String> outputs,
                                   Set<String> fed, String suffix) {
        Set<NodeProto> needed = new HashSet<>();
        Set<String> read = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(outputs);
        while (!pending.isEmpty()) {
            String tensor = pending.pop();
            if (!read.add(tensor) || fed.contains(tensor)) {
                continue;
            }
            NodeProto node = producer.get(tensor);
            if (node != null && needed.add(node)) {
                pending.addAll(node.getInputList());
            }
        }
        GraphProto.Builder part = GraphProto.newBuilder().setName(graph.getName() + "/" + suffix);
        graph.getNodeList().stream().filter(needed::contains).forEach(part::addNode);
        for (TensorProto initializer : graph.getInitializerList()) {
            if (read.contains(initializer.getName())) {
                part.addInitializer(initializer);
            }
        }
        for (String tensor : fed) {
            part.addInput(ValueInfoProto.newBuilder().setName(tensor));
        }
        for (ValueInfoProto input : graph.getInputList()) {
            if (read.contains(input.getName()) && !fed.contains(input.getName())) {
                part.addInput(input);
            }
        }
        Map<String, ValueInfoProto> declared = new HashMap<>();
        graph.getOutputList().forEach(o -> declared.put(o.getName(), o));
        graph.getValueInfoList().forEach(v -> declared.putIfAbsent(v.getName(), v));
        for (String output : outputs) {
            part.addOutput(declared.getOrDefault(output, ValueInfoProto.newBuilder().setName(output).build()));
        }
        for (ValueInfoProto info : graph.getValueInfoList()) {
            if (read.contains(info.getName()) && !fed.contains(info.getName()) && !outputs.contains(info.getName())) {
                part.addValueInfo(info);
            }
        }
        return part.build();
    }

    /** The suffix with its frontier inputs typed as the prefix session reports them. */
    GraphProto suffixWithInputs(Map<String, ValueInfoProto> frontierTypes) {
        GraphProto.Builder typed = suffix.toBuilder();
        for (int i = 0; i < typed.getInputCount(); i++) {
            ValueInfoProto type = frontierTypes.get(typed.getInput(i).getName());
            if (type != null) {
                typed.setInput(i, type);
            }
        }
        return typed.build();
    }
}
