package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each layer does, read from the graph; names are only a hint for layers the structure says nothing
 * about. In order of precedence:
 * <ul>
 *   <li><b>head</b>: the layer's output reaches a graph output without passing another weight layer;</li>
 *   <li><b>attention</b>: the nearest weight layers behind either operand of a MatMul between two activations
 *       (Q, K, V) and the nearest after it (the projection);</li>
 *   <li><b>downsample</b>: a convolution with a stride above 1 (strided convs, patch embeddings), or whose
 *       output passes a pooling with a stride above 1 before the next weight layer;</li>
 *   <li><b>mlp</b>: a pointwise layer (MatMul, Gemm or 1x1 convolution) that widens its channels and the
 *       pointwise layer after it that narrows them back to the width it started from.</li>
 * </ul>
 * A layer none of these fits takes the kind its path's names suggest ({@code attn}, {@code downsample},
 * {@code head}, ... see {@link GroupKind}), else {@code conv-block} for convolutions and {@code other} for
 * the rest. Walks follow data only: shape computations (Shape, and the shape inputs of Reshape, Expand,
 * Slice, ...) are not edges, so a Reshape sized from another layer's output does not connect the two.
 */
final class LayerKinds {
    private static final Set<String> WEIGHT_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");
    /** Operators whose output describes a tensor's shape, not its values. */
    private static final Set<String> SHAPE_OF = Set.of("Shape", "Size");
    /** Operators whose inputs after the first are shapes, axes, indices or sizes. */
    private static final Set<String> FIRST_INPUT_ONLY = Set.of("Reshape", "Expand", "Tile", "Slice", "Squeeze",
            "Unsqueeze", "Pad", "Resize", "Upsample", "TopK", "Split", "ReduceMean", "ReduceSum", "ReduceMax",
            "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
            "Gather", "GatherElements", "GatherND", "Dropout", "Clip", "OneHot", "CumSum", "ScatterND");
    private static final Set<String> POOLS = Set.of("MaxPool", "AveragePool", "LpPool");

    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> readers = new HashMap<>();
    private final Set<String> initializers = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<String> constants = new HashSet<>();
    private final Map<String, Layer> layerByOutput = new HashMap<>();

    private LayerKinds(GraphProto graph, List<Layer> layers) {
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        constants.addAll(initializers);
        layers.forEach(l -> constants.add(l.tensorName())); // a decoded weight is a constant too
        for (NodeProto node : graph.getNodeList()) { // nodes are in topological order
            boolean fromConstants = node.getInputList().stream().allMatch(i -> i.isEmpty() || constants.contains(i))
                    && (node.getInputCount() > 0 || node.getOpType().equals("Constant"))
                    && !node.getOpType().startsWith("Random");
            if (fromConstants) {
                node.getOutputList().forEach(constants::add);
            }
        }
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        for (NodeProto node : graph.getNodeList()) {
            for (String output : node.getOutputList()) {
                producers.put(output, node);
            }
            for (String input : new LinkedHashSet<>(node.getInputList())) {
                if (!input.isEmpty()) {
                    readers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
                }
            }
        }
        layers.forEach(l -> layerByOutput.put(l.output(), l));
    }

    /** The layers with their kinds. */
    static List<Layer> assign(GraphProto graph, List<Layer> layers) {
        if (layers.stream().anyMatch(l -> l.encoded() && l.encoding().unit() != null)) {
            // a real artifact's integer kernels: read the structure of the float graph they stand for
            GraphProto.Builder restored = graph.toBuilder();
            DecodeChains.remove(restored, layers);
            graph = restored.build();
        }
        LayerKinds kinds = new LayerKinds(graph, layers);
        Map<String, Layer.Kind> found = kinds.structural(graph, layers);
        List<Layer> out = new ArrayList<>(layers.size());
        for (Layer layer : layers) {
            Layer.Kind kind = found.get(layer.output());
            if (kind == null) {
                GroupKind named = GroupKind.fromName(layer.path());
                kind = named != null ? new Layer.Kind(named, Layer.KindSource.NAME, null)
                        : new Layer.Kind(layer.opType().startsWith("Conv") ? GroupKind.CONV_BLOCK : GroupKind.OTHER,
                        Layer.KindSource.OPERATOR, null);
            }
            out.add(layer.withKind(kind));
        }
        return out;
    }

    /** Kinds the structure shows, by layer output; the first found in order of precedence stays. */
    private Map<String, Layer.Kind> structural(GraphProto graph, List<Layer> layers) {
        Map<String, Layer.Kind> kinds = new LinkedHashMap<>();
        Map<String, Walk> forward = new HashMap<>();
        for (Layer layer : layers) {
            forward.put(layer.output(), forward(layer.output()));
        }
        for (Layer layer : layers) {
            if (forward.get(layer.output()).reachesOutput) {
                kinds.put(layer.output(), structure(GroupKind.HEAD, "feeds the graph output"));
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            if (!isActivationProduct(node)) {
                continue;
            }
            String label = label(node);
            for (String operand : node.getInputList()) {
                for (NodeProto producer : backward(operand)) {
                    mark(kinds, producer, GroupKind.ATTENTION, "produces an operand of MatMul " + label);
                }
            }
            for (NodeProto after : forward(node.getOutput(0)).weightNodes) {
                mark(kinds, after, GroupKind.ATTENTION, "projects the output of MatMul " + label);
            }
        }
        for (Layer layer : layers) {
            String stride = layer.opType().equals("Conv") ? stride(producers.get(layer.output())) : null;
            if (stride != null) {
                kinds.putIfAbsent(layer.output(), structure(GroupKind.DOWNSAMPLE, "stride " + stride));
            } else if (!forward.get(layer.output()).pools.isEmpty()) {
                NodeProto pool = forward.get(layer.output()).pools.get(0);
                kinds.putIfAbsent(layer.output(), structure(GroupKind.DOWNSAMPLE,
                        pool.getOpType() + " " + label(pool) + " with stride " + stride(pool) + " before the next layer"));
            }
        }
        for (Layer first : layers) {
            int[] in = pointwise(first);
            if (in == null || in[1] <= in[0]) {
                continue;
            }
            for (NodeProto after : forward.get(first.output()).weightNodes) {
                Layer second = layerByOutput.get(after.getOutput(0));
                int[] out = second == null ? null : pointwise(second);
                if (out != null && out[0] == in[1] && out[1] == in[0]) {
                    kinds.putIfAbsent(first.output(), structure(GroupKind.MLP,
                            "widens " + in[0] + " to " + in[1] + " channels for " + second.path()));
                    kinds.putIfAbsent(second.output(), structure(GroupKind.MLP,
                            "narrows " + out[0] + " back to " + out[1] + " channels after " + first.path()));
                }
            }
        }
        return kinds;
    }

    private static Layer.Kind structure(GroupKind kind, String evidence) {
        return new Layer.Kind(kind, Layer.KindSource.STRUCTURE, evidence);
    }

    private void mark(Map<String, Layer.Kind> kinds, NodeProto node, GroupKind kind, String evidence) {
        if (layerByOutput.containsKey(node.getOutput(0))) {
            kinds.putIfAbsent(node.getOutput(0), structure(kind, evidence));
        }
    }

    /** {in channels, out channels} of a MatMul, Gemm or 1x1 ungrouped convolution, else null. */
    private int[] pointwise(Layer layer) {
        int[] d = layer.dims();
        if (layer.opType().equals("Conv")) {
            for (int i = 2; i < d.length; i++) {
                if (d[i] != 1) {
                    return null;
                }
            }
            NodeProto conv = producers.get(layer.output());
            return NodeAttributes.integer(conv, "group", 1) == 1 ? new int[] {d[1], d[0]} : null;
        }
        if ((layer.opType().equals("MatMul") || layer.opType().equals("Gemm")) && d.length == 2 && layer.channelAxis() >= 0) {
            return new int[] {d[1 - layer.channelAxis()], d[layer.channelAxis()]};
        }
        return null;
    }

    /** The largest stride of a convolution or pooling, when above 1; else null. */
    private static String stride(NodeProto node) {
        if (node == null) {
            return null;
        }
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("strides")) {
                long max = a.getIntsList().stream().mapToLong(Long::longValue).max().orElse(1);
                return max > 1 ? Long.toString(max) : null;
            }
        }
        return null;
    }

    /** A MatMul of two activations: neither operand is a constant (attention's Q K^T, or its product with V). */
    private boolean isActivationProduct(NodeProto node) {
        return isStandard(node) && node.getOpType().equals("MatMul") && node.getInputCount() == 2
                && !isConstant(node.getInput(0)) && !isConstant(node.getInput(1));
    }

    /** A node that multiplies by a constant weight: the consumer of a layer, or of a weight shared with one. */
    private boolean isWeightNode(NodeProto node) {
        if (!isStandard(node) || !WEIGHT_OPS.contains(node.getOpType())) {
            return false;
        }
        if (node.getOpType().startsWith("Conv")) {
            return node.getInputCount() > 1 && isConstant(node.getInput(1));
        }
        return node.getInputCount() > 1 && (isConstant(node.getInput(0)) || isConstant(node.getInput(1)));
    }

    /** What a walk downstream of a value met before the next weight nodes. */
    private static final class Walk {
        final List<NodeProto> weightNodes = new ArrayList<>();
        final List<NodeProto> pools = new ArrayList<>();
        boolean reachesOutput;
    }

    /** Follows a value downstream through data edges, stopping at weight nodes. */
    private Walk forward(String start) {
        Walk walk = new Walk();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>(queue);
        Set<NodeProto> met = new LinkedHashSet<>();
        while (!queue.isEmpty()) {
            String value = queue.poll();
            walk.reachesOutput |= graphOutputs.contains(value);
            for (NodeProto reader : readers.getOrDefault(value, List.of())) {
                if (SHAPE_OF.contains(reader.getOpType()) || !readsAsData(reader, value) || !met.add(reader)) {
                    continue;
                }
                if (isWeightNode(reader) && !isWeightInput(reader, value)) {
                    walk.weightNodes.add(reader);
                    continue;
                }
                if (POOLS.contains(reader.getOpType()) && stride(reader) != null) {
                    walk.pools.add(reader);
                }
                for (String output : reader.getOutputList()) {
                    if (!output.isEmpty() && seen.add(output)) {
                        queue.add(output);
                    }
                }
            }
        }
        return walk;
    }

    /** The nearest weight nodes upstream of a value, through data edges. */
    private List<NodeProto> backward(String start) {
        List<NodeProto> found = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>(queue);
        while (!queue.isEmpty()) {
            String value = queue.poll();
            NodeProto producer = producers.get(value);
            if (producer == null || isConstant(value) || SHAPE_OF.contains(producer.getOpType())) {
                continue;
            }
            if (isWeightNode(producer)) {
                if (!found.contains(producer)) {
                    found.add(producer);
                }
                continue;
            }
            List<String> inputs = producer.getInputList();
            int count = FIRST_INPUT_ONLY.contains(producer.getOpType()) ? Math.min(1, inputs.size()) : inputs.size();
            for (int i = 0; i < count; i++) {
                if (!inputs.get(i).isEmpty() && seen.add(inputs.get(i))) {
                    queue.add(inputs.get(i));
                }
            }
        }
        return found;
    }

    /** False when {@code value} is only a shape, axes or index input of {@code reader}. */
    private static boolean readsAsData(NodeProto reader, String value) {
        if (!FIRST_INPUT_ONLY.contains(reader.getOpType())) {
            return true;
        }
        return reader.getInputCount() > 0 && reader.getInput(0).equals(value);
    }

    /** True when {@code value} is the constant weight of the weight node, not its activation. */
    private boolean isWeightInput(NodeProto node, String value) {
        if (node.getOpType().startsWith("Conv")) {
            return node.getInputCount() > 1 && node.getInput(1).equals(value) && isConstant(value);
        }
        return isConstant(value);
    }

    /** Constant: an initializer, a Constant, or computed from constants only (decode chains, transposed weights). */
    private boolean isConstant(String value) {
        return constants.contains(value);
    }

    private static boolean isStandard(NodeProto node) {
        return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
    }


    private static String label(NodeProto node) {
        return "'" + (node.getName().isEmpty() ? node.getOutput(0) : node.getName()) + "'";
    }
}
