package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Split's {@code split} sizes became an input at op-set 13; at 18 a Split without sizes must say how many
 * parts it makes ({@code num_outputs}), which before was the number of its outputs.
 */
final class Splits {
    private Splits() {
    }

    static void register(AdapterTable table) {
        table.add("Split", 13, Splits::sizesToInput);
        table.add("Split", 18, Splits::numOutputs);
    }

    private static void sizesToInput(NodeProto node, Rewrite rewrite) {
        long[] split = Attributes.ints(node, "split");
        if (split == null) {
            rewrite.emit(node);
            return;
        }
        String sizes = rewrite.int64s("split", split);
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "split");
        Ports.keepInputs(b, 1);
        rewrite.emit(b.addInput(sizes));
    }

    private static void numOutputs(NodeProto node, Rewrite rewrite) {
        boolean hasSizes = node.getInputCount() > 1 && !node.getInput(1).isEmpty();
        if (hasSizes || Attributes.has(node, "num_outputs")) {
            rewrite.emit(node);
            return;
        }
        rewrite.emit(Attributes.setInt(node.toBuilder(), "num_outputs", node.getOutputCount()));
    }
}
