package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * The {@code axes} attribute became an input: for ReduceSum, Squeeze and Unsqueeze at op-set 13, for the
 * other Reduce operators at 18. Without axes they reduce (or squeeze) every axis in both forms.
 */
final class ReduceAxes {
    private static final String[] REDUCE_AT_18 = {"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
            "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare"};

    private ReduceAxes() {
    }

    static void register(AdapterTable table) {
        for (String op : new String[] {"ReduceSum", "Squeeze", "Unsqueeze"}) {
            table.add(op, 13, ReduceAxes::axesToInput);
        }
        for (String op : REDUCE_AT_18) {
            table.add(op, 18, ReduceAxes::axesToInput);
        }
    }

    private static void axesToInput(NodeProto node, Rewrite rewrite) {
        long[] axes = Attributes.ints(node, "axes");
        if (axes == null) {
            if (node.getOpType().equals("Unsqueeze")) {
                throw rewrite.refuse("it has no axes");
            }
            rewrite.emit(node);
            return;
        }
        String input = rewrite.int64s("axes", axes);
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "axes");
        Ports.keepInputs(b, 1);
        rewrite.emit(b.addInput(input));
    }
}
