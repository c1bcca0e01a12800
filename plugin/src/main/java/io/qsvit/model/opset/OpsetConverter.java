package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Raises a model's default-domain op-set, keeping what it computes. The model is carried one op-set at a
 * time from its own version to the target; at each step the nodes whose operator changed its inputs,
 * attributes or meaning are rewritten (see the package documentation), everything else is kept as it is,
 * other domains included. The IR version is raised to the one the target op-set needs; a model leaving IR 3
 * drops its initializers from the graph inputs, where IR 4 and later would make them overridable.
 * <p>
 * Op-sets 6 to 21 are read; 6 is the oldest the adapters know (PyTorch 0.4 and the first converters wrote it).
 */
public final class OpsetConverter {
    /** The oldest default-domain op-set the converter carries forward. */
    public static final int MIN_OPSET = 6;
    /** The newest op-set it writes: the first with 4-bit and 16-bit DequantizeLinear. */
    public static final int MAX_OPSET = 21;

    private static final AdapterTable ADAPTERS = AdapterTable.standard();

    private OpsetConverter() {
    }

    /**
     * The model at default-domain op-set {@code target}; the model itself when it is already there or newer.
     *
     * @throws UserInputException (one line) when an operator cannot be carried, naming it and its op-set
     */
    public static ModelProto upgrade(ModelProto model, int target) {
        if (target < MIN_OPSET || target > MAX_OPSET) {
            throw new IllegalArgumentException("target op-set " + target + " is outside " + MIN_OPSET + ".." + MAX_OPSET);
        }
        int from = opset(model);
        if (from < 0) {
            throw new UserInputException("the model imports no default-domain (ai.onnx) op-set");
        }
        if (from >= target) {
            return model;
        }
        if (from < MIN_OPSET) {
            throw new UserInputException("the model uses op-set " + from + " of the default domain; qsvit converts "
                    + "from op-set " + MIN_OPSET + " on");
        }
        Names names = Names.of(model);
        GraphProto graph = model.getGraph();
        for (int v = from + 1; v <= target; v++) {
            if (uses(graph.getNodeList(), ADAPTERS.changingAt(v))) {
                graph = new GraphStep(ADAPTERS, names, v).graph(graph, null);
            }
        }
        ModelProto.Builder b = model.toBuilder().setGraph(graph);
        for (int i = 0; i < b.getOpsetImportCount(); i++) {
            if (Domains.isDefault(b.getOpsetImport(i).getDomain())) {
                b.setOpsetImport(i, b.getOpsetImport(i).toBuilder().setVersion(target));
            }
        }
        for (int i = 0; i < b.getFunctionsCount(); i++) {
            b.setFunctions(i, function(b.getFunctions(i), target, names));
        }
        long ir = Math.max(model.getIrVersion(), irVersion(target));
        if (model.getIrVersion() < 4 && ir >= 4) {
            b.setGraph(withoutInitializerInputs(b.getGraph()));
        }
        return b.setIrVersion(ir).build();
    }

    /** A model-local function importing an older default op-set gets the same steps. */
    private static FunctionProto function(FunctionProto function, int target, Names names) {
        int from = -1;
        int index = -1;
        for (int i = 0; i < function.getOpsetImportCount(); i++) {
            if (Domains.isDefault(function.getOpsetImport(i).getDomain())) {
                from = (int) function.getOpsetImport(i).getVersion();
                index = i;
            }
        }
        if (from < 0 || from >= target) {
            return function;
        }
        if (from < MIN_OPSET) {
            throw new UserInputException("function '" + function.getName() + "' uses op-set " + from
                    + " of the default domain; qsvit converts from op-set " + MIN_OPSET + " on");
        }
        List<NodeProto> nodes = function.getNodeList();
        for (int v = from + 1; v <= target; v++) {
            if (uses(nodes, ADAPTERS.changingAt(v))) {
                nodes = new GraphStep(ADAPTERS, names, v).nodes(nodes, ValueFacts.of(nodes, function.getOutputList()));
            }
        }
        return function.toBuilder().clearNode().addAllNode(nodes)
                .setOpsetImport(index, function.getOpsetImport(index).toBuilder().setVersion(target)).build();
    }

    /** Whether a default-domain node of one of {@code ops} sits among the nodes or in their subgraphs. */
    private static boolean uses(List<NodeProto> nodes, Set<String> ops) {
        for (NodeProto node : nodes) {
            if (Domains.isDefault(node.getDomain()) && ops.contains(node.getOpType())) {
                return true;
            }
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG() && uses(a.getG().getNodeList(), ops)) {
                    return true;
                }
                for (GraphProto g : a.getGraphsList()) {
                    if (uses(g.getNodeList(), ops)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static GraphProto withoutInitializerInputs(GraphProto graph) {
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.add(t.getName());
        }
        GraphProto.Builder b = graph.toBuilder().clearInput();
        graph.getInputList().stream().filter(v -> !initializers.contains(v.getName())).forEach(b::addInput);
        return b.build();
    }

    /** Version of the default ("" / ai.onnx) operator set the model imports, or -1 when it imports none. */
    public static int opset(ModelProto model) {
        for (OperatorSetIdProto set : model.getOpsetImportList()) {
            if (Domains.isDefault(set.getDomain())) {
                return (int) set.getVersion();
            }
        }
        return -1;
    }

    /** The IR version that the ONNX release introducing {@code opset} wrote (ONNX's versioning table). */
    public static long irVersion(int opset) {
        if (opset <= 8) {
            return 3;
        }
        return switch (opset) {
            case 9 -> 4;
            case 10 -> 5;
            case 11 -> 6;
            case 12, 13, 14 -> 7;
            case 15, 16, 17, 18 -> 8;
            case 19, 20 -> 9;
            default -> 10;
        };
    }
}
