package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph being rewritten: its nodes in order, its initializers, and the questions a rewrite asks (who
 * produces a value, who reads it, is it a constant, what rank does it have). Edits keep the node order
 * topological: new nodes go right before their first reader or right after their producer.
 */
final class GraphEdit {
    private final GraphProto source;
    private final List<NodeProto> nodes;
    private final LinkedHashMap<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final List<ValueInfoProto> inputs;
    private final Set<String> names = new HashSet<>();
    private final Map<String, ValueInfoProto> valueInfo = new HashMap<>();
    private final Set<String> readBefore = new HashSet<>();
    private Map<String, NodeProto> producers;
    private Map<String, List<NodeProto>> readers;

    GraphEdit(GraphProto graph) {
        this.source = graph;
        this.nodes = new ArrayList<>(graph.getNodeList());
        this.inputs = new ArrayList<>(graph.getInputList());
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
            names.add(t.getName());
        }
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        for (ValueInfoProto v : graph.getInputList()) {
            valueInfo.put(v.getName(), v);
        }
        for (ValueInfoProto v : graph.getValueInfoList()) {
            valueInfo.put(v.getName(), v);
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            valueInfo.put(v.getName(), v);
        }
        readBefore.addAll(graphOutputs);
        for (NodeProto node : nodes) {
            readBefore.addAll(node.getInputList());
            collectSubgraphInputs(node, readBefore);
            names.addAll(node.getOutputList());
            names.addAll(node.getInputList());
            names.add(node.getName());
        }
    }

    List<NodeProto> nodes() {
        return List.copyOf(nodes);
    }

    NodeProto producer(String value) {
        index();
        return producers.get(value);
    }

    /** Nodes that read {@code value}, in graph order (a node reading it twice appears once). */
    List<NodeProto> readers(String value) {
        index();
        return readers.getOrDefault(value, List.of());
    }

    /** Readers plus one if the value is a graph output: how many places see it. */
    int uses(String value) {
        return readers(value).size() + (graphOutputs.contains(value) ? 1 : 0);
    }

    boolean isGraphOutput(String value) {
        return graphOutputs.contains(value);
    }

    /** True for an initializer or a Constant node's output holding a tensor. */
    boolean isConstant(String value) {
        return constant(value) != null;
    }

    /** The constant tensor named {@code value} (an initializer, or a Constant node's tensor), or null. */
    TensorProto constant(String value) {
        TensorProto t = initializers.get(value);
        if (t != null) {
            return t;
        }
        NodeProto node = producer(value);
        if (node != null && isStandard(node) && node.getOpType().equals("Constant")) {
            for (AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals("value") && a.hasT()) {
                    return a.getT().toBuilder().setName(value).build();
                }
            }
        }
        return null;
    }

    /** True when the constant is a Constant node's output rather than an initializer. */
    boolean isConstantNode(String value) {
        return !initializers.containsKey(value) && isConstant(value);
    }

    /** Replaces the values of a constant where it is held (initializer or Constant node), keeping its name. */
    void setConstant(String value, TensorProto tensor) {
        if (initializers.containsKey(value)) {
            initializers.put(value, tensor.toBuilder().setName(value).build());
            redeclare(value, tensor);
            return;
        }
        NodeProto node = producer(value);
        NodeProto.Builder b = node.toBuilder().clearAttribute();
        b.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(tensor.toBuilder().clearName()));
        replace(node, b.build());
    }

    /**
     * An initializer that is also a graph input (IR 3 and 4 exporters list them so) keeps its declaration in
     * step with its new type and shape.
     */
    private void redeclare(String name, TensorProto tensor) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).getName().equals(name)) {
                ai.onnx.proto.OnnxMl.TensorShapeProto.Builder shape = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
                tensor.getDimsList().forEach(d -> shape.addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
                inputs.set(i, inputs.get(i).toBuilder().setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                        ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(tensor.getDataType()).setShape(shape))).build());
            }
        }
    }

    void addInitializer(TensorProto tensor) {
        initializers.put(tensor.getName(), tensor);
        names.add(tensor.getName());
    }

    /** A value or node name not yet used in the graph, built from {@code base}. */
    String fresh(String base) {
        String name = base;
        for (int i = 2; names.contains(name); i++) {
            name = base + "_" + i;
        }
        names.add(name);
        return name;
    }

    /** The rank the graph declares for a value (inputs, outputs, value_info), or -1 when it does not. */
    int declaredRank(String value) {
        ValueInfoProto v = valueInfo.get(value);
        if (v != null && v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
            return v.getType().getTensorType().getShape().getDimCount();
        }
        TensorProto constant = constant(value);
        return constant != null ? constant.getDimsCount() : -1;
    }

    void replace(NodeProto old, NodeProto replacement) {
        nodes.set(position(old), replacement);
        names.addAll(replacement.getOutputList());
        changed();
    }

    void insertBefore(NodeProto anchor, NodeProto node) {
        nodes.add(position(anchor), node);
        names.addAll(node.getOutputList());
        names.add(node.getName());
        changed();
    }

    void insertAfter(NodeProto anchor, NodeProto node) {
        nodes.add(position(anchor) + 1, node);
        names.addAll(node.getOutputList());
        names.add(node.getName());
        changed();
    }

    void remove(NodeProto node) {
        nodes.remove(position(node));
        changed();
    }

    /** Drops what a rewrite left unread: initializers and value_info of values no node reads any more. */
    GraphProto build() {
        Set<String> read = new HashSet<>(graphOutputs);
        Set<String> produced = new HashSet<>();
        for (NodeProto node : nodes) {
            read.addAll(node.getInputList());
            collectSubgraphInputs(node, read);
            produced.addAll(node.getOutputList());
        }
        GraphProto.Builder b = source.toBuilder().clearNode().addAllNode(nodes).clearInitializer()
                .clearInput().addAllInput(inputs);
        for (TensorProto t : initializers.values()) {
            // an initializer our edits left unread (a folded BatchNorm's statistics) goes; others stay as they were
            if (read.contains(t.getName()) || isDeclaredInput(t.getName()) || !readBefore.contains(t.getName())) {
                b.addInitializer(t);
            }
        }
        List<ValueInfoProto> info = new ArrayList<>();
        for (ValueInfoProto v : source.getValueInfoList()) {
            if (read.contains(v.getName()) || produced.contains(v.getName())) {
                info.add(v);
            }
        }
        return b.clearValueInfo().addAllValueInfo(info).build();
    }

    private boolean isDeclaredInput(String name) {
        return source.getInputList().stream().anyMatch(i -> i.getName().equals(name));
    }

    /** Values a node's subgraphs (If, Loop, Scan bodies) read from the enclosing graph. */
    private static void collectSubgraphInputs(NodeProto node, Set<String> read) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                collectGraphInputs(a.getG(), read);
            }
            a.getGraphsList().forEach(g -> collectGraphInputs(g, read));
        }
    }

    private static void collectGraphInputs(GraphProto graph, Set<String> read) {
        for (NodeProto n : graph.getNodeList()) {
            read.addAll(n.getInputList());
            collectSubgraphInputs(n, read);
        }
        graph.getOutputList().forEach(o -> read.add(o.getName()));
    }

    static boolean isStandard(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }

    private int position(NodeProto node) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) == node) {
                return i;
            }
        }
        throw new IllegalStateException("node " + node.getName() + " (" + node.getOpType() + ") is not in the graph");
    }

    private void changed() {
        producers = null;
        readers = null;
    }

    private void index() {
        if (producers != null) {
            return;
        }
        producers = new HashMap<>();
        readers = new HashMap<>();
        for (NodeProto node : nodes) {
            for (String output : node.getOutputList()) {
                if (!output.isEmpty()) {
                    producers.put(output, node);
                }
            }
            Set<String> seen = new HashSet<>();
            for (String input : node.getInputList()) {
                if (!input.isEmpty() && seen.add(input)) {
                    readers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
                }
            }
            Set<String> sub = new HashSet<>();
            collectSubgraphInputs(node, sub);
            for (String input : sub) {
                if (seen.add(input)) {
                    readers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
                }
            }
        }
    }

    static long[] intsAttribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    static boolean hasAttribute(NodeProto node, String name) {
        return node.getAttributeList().stream().anyMatch(a -> a.getName().equals(name));
    }

    /** The node with attribute {@code name} set to the integer {@code value} (added or replaced). */
    static NodeProto withInt(NodeProto node, String name, long value) {
        NodeProto.Builder b = node.toBuilder().clearAttribute();
        for (AttributeProto a : node.getAttributeList()) {
            if (!a.getName().equals(name)) {
                b.addAttribute(a);
            }
        }
        return b.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                .setI(value)).build();
    }
}
