package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Clip's {@code min} and {@code max} attributes became optional inputs of the data's element type at op-set 11;
 * an absent bound stays absent (no bound on that side).
 */
final class Clips {
    private Clips() {
    }

    static void register(AdapterTable table) {
        table.add("Clip", 11, Clips::clip);
    }

    private static void clip(NodeProto node, Rewrite rewrite) {
        boolean hasMin = Attributes.has(node, "min");
        boolean hasMax = Attributes.has(node, "max");
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "min", "max");
        String data = node.getInput(0);
        if (hasMin || hasMax) {
            b.addInput(hasMin ? rewrite.constant("min",
                    Pads.typedScalar(data, Attributes.f(node, "min", 0f), rewrite, "lower bound")) : "");
        }
        if (hasMax) {
            b.addInput(rewrite.constant("max", Pads.typedScalar(data, Attributes.f(node, "max", 0f), rewrite, "upper bound")));
        }
        rewrite.emit(b);
    }
}
