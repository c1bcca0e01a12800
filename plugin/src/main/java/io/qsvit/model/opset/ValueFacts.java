package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the converter knows about the values of one graph before a step: element types and ranks (declared
 * in inputs, outputs and value_info, or carried forward through the nodes by simple rules), and the
 * constants (initializers and Constant nodes). Some adapters need them: a Clip bound must have its input's
 * type, a broadcast axis needs ranks. Values of enclosing graphs are looked up in the outer facts.
 */
final class ValueFacts {
    /** Operators whose output 0 has the element type and rank of input 0. */
    private static final Set<String> SAME_AS_FIRST = Set.of("Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh",
            "AveragePool", "BatchNormalization", "Ceil", "Celu", "Clip", "Conv", "ConvTranspose", "Cos", "Cosh",
            "CumSum", "DepthToSpace", "Dropout", "Elu", "Erf", "Exp", "Floor", "Gelu", "GlobalAveragePool",
            "GlobalLpPool", "GlobalMaxPool", "GroupNormalization", "HardSigmoid", "HardSwish", "Hardmax", "Identity",
            "InstanceNormalization", "LRN", "LayerNormalization", "LeakyRelu", "Log", "LogSoftmax", "LpNormalization",
            "LpPool", "MaxPool", "MaxRoiPool", "MeanVarianceNormalization", "Mish", "Neg", "Pad", "PRelu",
            "Reciprocal", "Relu", "Resize", "ReverseSequence", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin",
            "Sinh", "Slice", "Softmax", "Softplus", "Softsign", "SpaceToDepth", "Sqrt", "Tan", "Tanh",
            "ThresholdedRelu", "Tile", "TopK", "Transpose", "Trilu", "Upsample", "ImageScaler", "ScaledTanh",
            "Affine", "ParametricSoftplus", "Scale", "Crop", "DynamicSlice", "Compress", "ScatterElements",
            "ScatterND", "Scatter", "MaxUnpool", "Split", "Expand", "Det", "Gemm", "MatMul", "Reshape", "Flatten",
            "Squeeze", "Unsqueeze", "Gather", "GatherElements", "GatherND", "Concat", "Einsum", "Where");
    /** Element-wise operators with (multidirectional) broadcasting: rank is the largest input rank. */
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min",
            "Mean", "Sum", "And", "Or", "Xor", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual",
            "BitShift", "Where", "PRelu");
    private static final Set<String> BOOLEAN = Set.of("And", "Or", "Xor", "Not", "Equal", "Greater", "Less",
            "GreaterOrEqual", "LessOrEqual", "IsNaN", "IsInf");
    private static final Set<String> INT64 = Set.of("Shape", "Size", "NonZero", "ArgMax", "ArgMin",
            "NonMaxSuppression");
    private static final Set<String> SAME_RANK = Set.of("Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh",
            "AveragePool", "BatchNormalization", "Ceil", "Celu", "Clip", "Conv", "ConvTranspose", "Cos", "Cosh",
            "CumSum", "DepthToSpace", "Dropout", "Elu", "Erf", "Exp", "Floor", "Gelu", "GlobalAveragePool",
            "GlobalLpPool", "GlobalMaxPool", "GroupNormalization", "HardSigmoid", "HardSwish", "Hardmax", "Identity",
            "InstanceNormalization", "LRN", "LayerNormalization", "LeakyRelu", "Log", "LogSoftmax", "LpNormalization",
            "LpPool", "MaxPool", "MeanVarianceNormalization", "Mish", "Neg", "Not", "Pad", "Reciprocal", "Relu",
            "Resize", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Slice", "Softmax", "Softplus",
            "Softsign", "SpaceToDepth", "Sqrt", "Tan", "Tanh", "ThresholdedRelu", "Tile", "TopK", "Transpose",
            "Trilu", "Upsample", "ImageScaler", "ScaledTanh", "Affine", "ParametricSoftplus", "Scale", "Crop",
            "DynamicSlice", "ScatterElements", "ScatterND", "Scatter", "Split", "Concat", "Cast", "IsNaN", "IsInf",
            "QuantizeLinear", "DequantizeLinear");

    private final ValueFacts outer;
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    private ValueFacts(ValueFacts outer) {
        this.outer = outer;
    }

    /** Facts of a graph, read from its declarations and carried through its nodes in order. */
    static ValueFacts of(GraphProto graph, ValueFacts outer) {
        ValueFacts facts = new ValueFacts(outer);
        graph.getInputList().forEach(facts::declare);
        graph.getValueInfoList().forEach(facts::declare);
        graph.getOutputList().forEach(facts::declare);
        for (TensorProto t : graph.getInitializerList()) {
            facts.constants.put(t.getName(), t);
            facts.types.put(t.getName(), t.getDataType());
            facts.ranks.put(t.getName(), t.getDimsCount());
        }
        facts.carry(graph.getNodeList());
        graph.getOutputList().forEach(v -> facts.used.add(v.getName()));
        facts.use(graph.getNodeList());
        return facts;
    }

    /** Facts of a function body: nothing is declared there, so only constants and carried facts. */
    static ValueFacts of(List<NodeProto> nodes, List<String> outputs) {
        ValueFacts facts = new ValueFacts(null);
        facts.carry(nodes);
        facts.used.addAll(outputs);
        facts.use(nodes);
        return facts;
    }

    /** Values read by the nodes, by the nodes of their subgraphs too (which may read enclosing values). */
    private void use(List<NodeProto> nodes) {
        for (NodeProto node : nodes) {
            used.addAll(node.getInputList());
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    use(a.getG().getNodeList());
                    a.getG().getOutputList().forEach(v -> used.add(v.getName()));
                }
                for (GraphProto g : a.getGraphsList()) {
                    use(g.getNodeList());
                    g.getOutputList().forEach(v -> used.add(v.getName()));
                }
            }
        }
    }

    /** Whether any node or graph output reads the value (a graph's values are only read inside it). */
    boolean isUsed(String name) {
        return used.contains(name);
    }

    private void declare(ValueInfoProto value) {
        if (!value.hasType() || !value.getType().hasTensorType()) {
            return;
        }
        TypeProto.Tensor tensor = value.getType().getTensorType();
        if (tensor.getElemType() != 0) {
            types.put(value.getName(), tensor.getElemType());
        }
        if (tensor.hasShape()) {
            ranks.put(value.getName(), tensor.getShape().getDimCount());
        }
    }

    private void carry(List<NodeProto> nodes) {
        for (NodeProto node : nodes) {
            if (!Domains.isDefault(node.getDomain()) || node.getOutputCount() == 0) {
                continue;
            }
            String out = node.getOutput(0);
            if (node.getOpType().equals("Constant")) {
                constantValue(node).ifPresent(t -> {
                    constants.put(out, t);
                    types.putIfAbsent(out, t.getDataType());
                    ranks.putIfAbsent(out, t.getDimsCount());
                });
                continue;
            }
            typeOf(node).ifPresent(t -> types.putIfAbsent(out, t));
            rankOf(node).ifPresent(r -> ranks.putIfAbsent(out, r));
        }
    }

    /** The tensor a Constant node outputs, when it holds one in its value attribute. */
    static Optional<TensorProto> constantValue(NodeProto constant) {
        for (AttributeProto a : constant.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                return Optional.of(a.getT());
            }
            if (a.getName().equals("value_ints")) {
                return Optional.of(Tensors.int64s(a.getIntsList().stream().mapToLong(Long::longValue).toArray()));
            }
            if (a.getName().equals("value_int")) {
                return Optional.of(Tensors.int64Scalar(a.getI()));
            }
            if (a.getName().equals("value_floats")) {
                float[] v = new float[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                return Optional.of(Tensors.floats(v));
            }
            if (a.getName().equals("value_float")) {
                return Optional.of(Tensors.floats(a.getF()).toBuilder().clearDims().build());
            }
        }
        return Optional.empty();
    }

    private OptionalInt typeOf(NodeProto node) {
        String op = node.getOpType();
        if (BOOLEAN.contains(op)) {
            return OptionalInt.of(DataType.BOOL_VALUE);
        }
        if (INT64.contains(op)) {
            return OptionalInt.of(DataType.INT64_VALUE);
        }
        switch (op) {
            case "Cast" -> {
                return Attributes.find(node, "to").map(a -> OptionalInt.of((int) a.getI())).orElse(OptionalInt.empty());
            }
            case "CastLike" -> {
                return node.getInputCount() > 1 ? elementType(node.getInput(1)) : OptionalInt.empty();
            }
            case "DequantizeLinear" -> {
                return node.getInputCount() > 1 ? elementType(node.getInput(1)) : OptionalInt.empty();
            }
            case "QuantizeLinear" -> {
                return node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? elementType(node.getInput(2))
                        : OptionalInt.of(DataType.UINT8_VALUE);
            }
            case "ConstantOfShape" -> {
                return OptionalInt.of(Attributes.find(node, "value").filter(AttributeProto::hasT)
                        .map(a -> a.getT().getDataType()).orElse(DataType.FLOAT_VALUE));
            }
            case "Where" -> {
                return node.getInputCount() > 1 ? elementType(node.getInput(1)) : OptionalInt.empty();
            }
            default -> {
                if (SAME_AS_FIRST.contains(op) || BROADCAST.contains(op)) {
                    return node.getInputCount() > 0 ? elementType(node.getInput(0)) : OptionalInt.empty();
                }
                return OptionalInt.empty();
            }
        }
    }

    private OptionalInt rankOf(NodeProto node) {
        String op = node.getOpType();
        switch (op) {
            case "Flatten", "Gemm" -> {
                return OptionalInt.of(2);
            }
            case "Shape", "Size" -> {
                return OptionalInt.of(op.equals("Shape") ? 1 : 0);
            }
            case "Reshape" -> {
                return node.getInputCount() > 1 ? constant(node.getInput(1)).map(t -> Tensors.elements(t))
                        .filter(n -> n >= 0 && n < 64).map(n -> OptionalInt.of((int) (long) n)).orElse(OptionalInt.empty())
                        : OptionalInt.empty();
            }
            case "Unsqueeze", "Squeeze" -> {
                OptionalInt in = inputRank(node, 0);
                long[] axes = Attributes.ints(node, "axes");
                if (axes == null && node.getInputCount() > 1) {
                    axes = constant(node.getInput(1)).flatMap(Tensors::longs).orElse(null);
                }
                if (in.isEmpty() || axes == null || (op.equals("Squeeze") && axes.length == 0)) {
                    return OptionalInt.empty();
                }
                return OptionalInt.of(in.getAsInt() + (op.equals("Unsqueeze") ? axes.length : -axes.length));
            }
            case "MatMul" -> {
                OptionalInt a = inputRank(node, 0);
                OptionalInt b = inputRank(node, 1);
                if (a.isPresent() && b.isPresent() && a.getAsInt() >= 2 && b.getAsInt() >= 2) {
                    return OptionalInt.of(Math.max(a.getAsInt(), b.getAsInt()));
                }
                return OptionalInt.empty();
            }
            default -> {
                if (op.startsWith("Reduce") && Attributes.find(node, "keepdims").map(a -> a.getI() != 0).orElse(true)) {
                    return inputRank(node, 0);
                }
                if (hasLegacyBroadcast(node)) {
                    return inputRank(node, 0);
                }
                if (BROADCAST.contains(op)) {
                    int max = 0;
                    for (String input : node.getInputList()) {
                        OptionalInt r = rank(input);
                        if (r.isEmpty()) {
                            return OptionalInt.empty();
                        }
                        max = Math.max(max, r.getAsInt());
                    }
                    return OptionalInt.of(max);
                }
                if (SAME_RANK.contains(op) && node.getInputCount() > 0) {
                    return inputRank(node, 0);
                }
                return OptionalInt.empty();
            }
        }
    }

    /** Op-set 6 element-wise operators broadcast input 1 into input 0: the output has input 0's rank. */
    private boolean hasLegacyBroadcast(NodeProto node) {
        return Attributes.find(node, "broadcast").isPresent();
    }

    OptionalInt elementType(String name) {
        Integer t = types.get(name);
        if (t != null) {
            return OptionalInt.of(t);
        }
        return outer != null ? outer.elementType(name) : OptionalInt.empty();
    }

    /** The rank of a node's input {@code i}; unknown where the node has no such input (a malformed model). */
    private OptionalInt inputRank(NodeProto node, int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty() ? rank(node.getInput(i)) : OptionalInt.empty();
    }

    OptionalInt rank(String name) {
        Integer r = ranks.get(name);
        if (r != null) {
            return OptionalInt.of(r);
        }
        return outer != null ? outer.rank(name) : OptionalInt.empty();
    }

    /** The value of an initializer or Constant output in this graph or an enclosing one. */
    Optional<TensorProto> constant(String name) {
        TensorProto t = constants.get(name);
        if (t != null) {
            return Optional.of(t);
        }
        return outer != null ? outer.constant(name) : Optional.empty();
    }
}
