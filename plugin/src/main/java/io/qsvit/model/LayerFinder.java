package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the quantizable weight tensors of a graph: constant float inputs of Conv, ConvTranspose, Gemm and
 * MatMul, also when reached through Transpose, Identity, Cast or Reshape, and knows each one's output-channel
 * axis in the stored tensor (needed for per-channel scales). Biases and normalisation parameters are not weights.
 * In a real artifact a weight is rebuilt from integer codes by {@link DecodeChains}: it is found as the same
 * layer (name, shape, channel axis) as in the float model, with its {@link WeightEncoding}.
 */
public final class LayerFinder {
    private static final Set<String> PASS_THROUGH = Set.of("Transpose", "Identity", "Cast", "Reshape");

    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final DecodeChains decodeChains = new DecodeChains(initializers, producers, consumers);

    private LayerFinder(GraphProto graph) {
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto node : graph.getNodeList()) {
            for (String output : node.getOutputList()) {
                producers.put(output, node);
            }
            for (String input : node.getInputList()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
    }

    public static List<Layer> find(GraphProto graph) {
        LayerFinder finder = new LayerFinder(graph);
        List<Layer> layers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            WeightEncoding integer = finder.decodeChains.integerUnit(node);
            if (integer != null && seen.add(integer.unit().weight())) {
                IntegerUnit unit = integer.unit();
                String path = LayerPaths.path(node, unit.weight(), layers.size());
                List<String> via = unit.transpose() == null ? List.of() : List.of("Transpose");
                int axis = unit.op().equals("Conv") ? 0 : unit.transpose() == null ? integer.dims().length - 1
                        : integer.scaleAxis() >= 0 ? integer.scaleAxis() : transposedColumns(unit.transpose());
                layers.add(new Layer(layers.size(), path, LayerPaths.source(node, unit.weight()), unit.weight(), false,
                        node.getName(), unit.op(), 1, unit.input(), unit.output(), integer.dims(), axis, via, integer, null));
                continue;
            }
            for (int input : weightInputs(node)) {
                if (input >= node.getInputCount()) {
                    continue;
                }
                Source source = finder.trace(node.getInput(input), consumerChannelAxis(node, input, finder));
                if (source != null && source.isFloat && source.dims.length >= 2 && seen.add(source.name)) {
                    String path = LayerPaths.path(node, source.name, layers.size());
                    layers.add(new Layer(layers.size(), path, LayerPaths.source(node, source.name), source.name,
                            source.fromConstant, node.getName(), node.getOpType(), input, node.getInput(input == 1 ? 0 : 1),
                            node.getOutput(0), source.dims, source.axis, List.copyOf(source.via), source.encoding, null));
                }
            }
        }
        return LayerPaths.tidy(layers);
    }

    /**
     * The layer input {@code input} of {@code node} would be, whether or not another node already reads the same
     * weight (which {@link #find} reports once, at its first reader); null when that input is not a constant
     * float weight. For graph rewrites that change one node's weight.
     */
    public static Layer layerAt(GraphProto graph, NodeProto node, int input) {
        if (input >= node.getInputCount() || Arrays.stream(weightInputs(node)).noneMatch(i -> i == input)) {
            return null;
        }
        LayerFinder finder = new LayerFinder(graph);
        Source source = finder.trace(node.getInput(input), consumerChannelAxis(node, input, finder));
        if (source == null || !source.isFloat || source.dims.length < 2) {
            return null;
        }
        return new Layer(-1, LayerPaths.path(node, source.name, 0), LayerPaths.source(node, source.name), source.name,
                source.fromConstant, node.getName(), node.getOpType(), input, node.getInput(input == 1 ? 0 : 1),
                node.getOutput(0), source.dims, source.axis, List.copyOf(source.via), source.encoding, null);
    }

    /** The stored axis of a 2-D weight that a MatMul's output columns come from through a Transpose. */
    private static int transposedColumns(NodeProto transpose) {
        for (AttributeProto a : transpose.getAttributeList()) {
            if (a.getName().equals("perm") && a.getIntsCount() == 2) {
                return (int) a.getInts(1);
            }
        }
        return 0;
    }

    /** Which inputs of a node may be a weight: the kernel of convolutions, either operand of a product. */
    private static int[] weightInputs(NodeProto node) {
        return switch (node.getOpType()) {
            case "Conv", "ConvTranspose" -> new int[] {1};
            case "Gemm", "MatMul" -> new int[] {1, 0};
            default -> new int[0];
        };
    }

    /**
     * The output-channel axis of input {@code input} as the consumer sees it; {@code Integer.MIN_VALUE}
     * stands for "the last axis" and {@code MIN_VALUE + 1} for "second to last", resolved once the rank is known.
     */
    private static int consumerChannelAxis(NodeProto node, int input, LayerFinder finder) {
        return switch (node.getOpType()) {
            case "Conv" -> 0;
            case "ConvTranspose" -> 1;
            case "Gemm" -> input == 1 ? (NodeAttributes.integer(node, "transB", 0) == 1 ? 0 : 1)
                                      : (NodeAttributes.integer(node, "transA", 0) == 1 ? 1 : 0);
            default -> input == 1 ? LAST : SECOND_TO_LAST; // MatMul: x @ W keeps W's columns, W @ x its rows
        };
    }

    private static final int LAST = Integer.MIN_VALUE;
    private static final int SECOND_TO_LAST = Integer.MIN_VALUE + 1;

    /** Where a weight comes from: a stored tensor (float or not), or codes decoded to float32 (encoding not null). */
    private record Source(String name, int[] dims, boolean isFloat, boolean fromConstant, int axis, List<String> via,
                          WeightEncoding encoding) {
        static Source stored(String name, TensorProto tensor, boolean fromConstant, int axis, List<String> via) {
            return new Source(name, TensorShapes.dims(tensor), tensor.getDataType() == DataType.FLOAT_VALUE,
                    fromConstant, axis, via, null);
        }
    }

    /**
     * Follows a value back through pass-through operators to a constant or to a decode chain; maps the
     * consumer's channel axis to the stored tensor's axis on the way (a Reshape makes it unknown).
     */
    private Source trace(String value, int axis) {
        List<String> via = new ArrayList<>();
        List<NodeProto> chain = new ArrayList<>();
        String name = value;
        while (!initializers.containsKey(name)) {
            NodeProto producer = producers.get(name);
            if (producer == null) {
                return null; // a graph input or an activation: not a constant weight
            }
            if (producer.getOpType().equals("Constant")) {
                TensorProto tensor = constantValue(producer);
                return tensor == null ? null : Source.stored(name, tensor, true, storedAxis(axis, tensor.getDimsCount(), chain), via);
            }
            WeightEncoding encoding = decodeChains.encodingOf(name);
            if (encoding != null) {
                int[] dims = encoding.dims();
                return new Source(name, dims, true, false, storedAxis(axis, dims.length, chain), via, encoding);
            }
            if (!PASS_THROUGH.contains(producer.getOpType()) || producer.getInputCount() == 0) {
                return null;
            }
            via.add(0, producer.getOpType());
            chain.add(producer);
            name = producer.getInput(0);
        }
        TensorProto tensor = initializers.get(name);
        return Source.stored(name, tensor, false, storedAxis(axis, tensor.getDimsCount(), chain), via);
    }

    /** Maps an axis of the consumed value to the stored tensor, undoing the chain from the consumer outward. */
    private static int storedAxis(int consumerAxis, int rank, List<NodeProto> chainFromConsumer) {
        int axis = consumerAxis == LAST ? rank - 1 : consumerAxis == SECOND_TO_LAST ? rank - 2 : consumerAxis;
        for (NodeProto node : chainFromConsumer) {
            switch (node.getOpType()) {
                case "Reshape" -> {
                    return -1;
                }
                case "Transpose" -> axis = transposeSource(node, axis, rank);
                default -> { } // Identity, Cast keep axes
            }
            if (axis < 0) {
                return -1;
            }
        }
        return axis >= 0 && axis < rank ? axis : -1;
    }

    /** Output axis a of Transpose(perm) is input axis perm[a]; no perm means reversed axes. */
    private static int transposeSource(NodeProto transpose, int axis, int rank) {
        for (AttributeProto a : transpose.getAttributeList()) {
            if (a.getName().equals("perm")) {
                long source = axis >= 0 && axis < a.getIntsCount() ? a.getInts(axis) : -1;
                return source >= 0 && source < rank ? (int) source : -1;
            }
        }
        return axis >= 0 && axis < rank ? rank - 1 - axis : -1;
    }

    private static TensorProto constantValue(NodeProto constant) {
        for (AttributeProto a : constant.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                return a.getT().toBuilder().setName(constant.getOutput(0)).build();
            }
        }
        return null;
    }
}
