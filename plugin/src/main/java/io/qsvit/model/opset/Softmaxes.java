package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.OptionalInt;

/**
 * Until op-set 12, Softmax, LogSoftmax and Hardmax coerced their input to 2-D at {@code axis} (default 1) and
 * normalized over all the trailing dimensions together; from 13 they normalize along the one {@code axis}
 * (default -1). Where the axis is the last one both agree; elsewhere the node becomes Flatten at the axis,
 * the operator along the last axis, and Reshape back to the input's shape, which computes the old meaning.
 */
final class Softmaxes {
    private Softmaxes() {
    }

    static void register(AdapterTable table) {
        for (String op : new String[] {"Softmax", "LogSoftmax", "Hardmax"}) {
            table.add(op, 13, Softmaxes::alongFlattened);
        }
    }

    private static void alongFlattened(NodeProto node, Rewrite rewrite) {
        long axis = Attributes.i(node, "axis", 1);
        OptionalInt rank = rewrite.rank(node.getInput(0));
        boolean last = axis == -1 || rank.isPresent() && (axis == rank.getAsInt() - 1 || axis + rank.getAsInt() == rank.getAsInt() - 1);
        if (last) {
            rewrite.emit(Attributes.setInt(node.toBuilder(), "axis", -1));
            return;
        }
        String input = node.getInput(0);
        String shape = rewrite.fresh("shape");
        String flat = rewrite.fresh("flat");
        String normalized = rewrite.fresh(node.getOpType().toLowerCase(java.util.Locale.ROOT));
        rewrite.emit(rewrite.node("Shape").addInput(input).addOutput(shape));
        rewrite.emit(Attributes.setInt(rewrite.node("Flatten").addInput(input).addOutput(flat), "axis", axis));
        rewrite.emit(Attributes.setInt(node.toBuilder().setInput(0, flat).setOutput(0, normalized), "axis", -1));
        rewrite.emit(rewrite.node("Reshape").addInput(normalized).addInput(shape).addOutput(node.getOutput(0)));
    }
}
