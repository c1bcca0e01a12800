package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.OptionalInt;

/**
 * Op-set 7 replaced the {@code broadcast}/{@code axis} attributes of the element-wise binary operators by
 * numpy-style broadcasting. Without an axis, op-set 6 matched B against the trailing dimensions of A, which
 * numpy does too; with an axis, B's dimensions sat at A's dimensions {@code axis...}, so B gets trailing
 * 1-dimensions (Unsqueeze) to land there under numpy's rules. Gemm's C broadcast the same way. PRelu's
 * one-dimensional slope was one value per channel (axis 1); under op-set 7's unidirectional broadcasting it
 * would meet the last axis, so it gets trailing 1-dimensions too.
 */
final class Broadcasts {
    private static final String[] BINARY = {"Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal",
            "Greater", "Less"};

    private Broadcasts() {
    }

    static void register(AdapterTable table) {
        for (String op : BINARY) {
            table.add(op, 7, Broadcasts::binary);
        }
        table.add("Gemm", 7, (node, rewrite) -> rewrite.emit(Attributes.remove(node.toBuilder(), "broadcast")));
        table.add("PRelu", 7, Broadcasts::perChannelSlope);
    }

    private static void perChannelSlope(NodeProto node, Rewrite rewrite) {
        OptionalInt slopeRank = rewrite.rank(node.getInput(1));
        if (slopeRank.isPresent() && slopeRank.getAsInt() != 1) {
            rewrite.emit(node);
            return;
        }
        OptionalInt rank = rewrite.rank(node.getInput(0));
        if (rank.isEmpty() || slopeRank.isEmpty()) {
            throw rewrite.refuse("its slope broadcasts per channel, which needs the ranks of both inputs, and the "
                    + "model does not tell them");
        }
        if (rank.getAsInt() < 3) {
            rewrite.emit(node); // (N, C): the slope already meets the channel axis
            return;
        }
        long[] axes = new long[rank.getAsInt() - 2];
        for (int k = 0; k < axes.length; k++) {
            axes[k] = k + 1;
        }
        String slope = rewrite.fresh("slope");
        rewrite.emit(Attributes.setInts(rewrite.node("Unsqueeze").addInput(node.getInput(1)).addOutput(slope), "axes", axes));
        rewrite.emit(node.toBuilder().setInput(1, slope));
    }

    private static void binary(NodeProto node, Rewrite rewrite) {
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "broadcast", "axis");
        boolean broadcast = Attributes.i(node, "broadcast", 0) != 0;
        if (broadcast && Attributes.has(node, "axis") && node.getInputCount() == 2) {
            OptionalInt rankA = rewrite.rank(node.getInput(0));
            OptionalInt rankB = rewrite.rank(node.getInput(1));
            if (rankA.isEmpty() || rankB.isEmpty()) {
                throw rewrite.refuse("its broadcast axis needs the ranks of both inputs, and the model does not "
                        + "tell them");
            }
            long axis = Attributes.i(node, "axis", 0);
            int a = rankA.getAsInt();
            int bRank = rankB.getAsInt();
            if (axis < 0) {
                axis += a;
            }
            long trailing = a - axis - bRank;
            if (axis < 0 || trailing < 0) {
                throw rewrite.refuse("broadcast axis " + Attributes.i(node, "axis", 0) + " does not fit inputs of rank "
                        + a + " and " + bRank);
            }
            if (trailing > 0) {
                long[] axes = new long[(int) trailing];
                for (int k = 0; k < axes.length; k++) {
                    axes[k] = bRank + k;
                }
                String unsqueezed = rewrite.fresh("broadcast");
                rewrite.emit(Attributes.setInts(rewrite.node("Unsqueeze").addInput(node.getInput(1)).addOutput(unsqueezed),
                        "axes", axes));
                b.setInput(1, unsqueezed);
            }
        }
        rewrite.emit(b);
    }
}
