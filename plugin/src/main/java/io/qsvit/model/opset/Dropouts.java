package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.OptionalInt;

/**
 * Dropout lost {@code is_test} at op-set 7 (only inference is carried), its mask became boolean at 10 (a mask
 * that something reads is cast back to the data's type), and {@code ratio} became an input at 12. Op-set 12
 * also defined the inference mask (all true), which before was left undefined (ONNX Runtime writes zeros): a
 * mask that something reads is refused there rather than given a new value.
 */
final class Dropouts {
    private Dropouts() {
    }

    static void register(AdapterTable table) {
        table.add("Dropout", 7, Dropouts::inferenceOnly);
        table.add("Dropout", 10, Dropouts::booleanMask);
        table.add("Dropout", 12, Dropouts::ratioInput);
    }

    private static void inferenceOnly(NodeProto node, Rewrite rewrite) {
        if (Attributes.i(node, "is_test", 0) == 0) {
            throw rewrite.refuse("it is in training mode (is_test=0)");
        }
        rewrite.emit(Attributes.remove(node.toBuilder(), "is_test"));
    }

    private static void booleanMask(NodeProto node, Rewrite rewrite) {
        if (node.getOutputCount() < 2 || node.getOutput(1).isEmpty()) {
            rewrite.emit(node);
            return;
        }
        String mask = node.getOutput(1);
        if (!rewrite.isUsed(mask)) {
            rewrite.emit(Ports.keepOutputs(node.toBuilder(), 1));
            return;
        }
        OptionalInt type = rewrite.elementType(node.getInput(0));
        if (type.isEmpty()) {
            throw rewrite.refuse("its mask is read, and must be cast back to the data's element type, which the "
                    + "model does not tell");
        }
        String bool = rewrite.fresh("mask");
        rewrite.emit(node.toBuilder().setOutput(1, bool));
        rewrite.emit(Attributes.setInt(rewrite.node("Cast").addInput(bool).addOutput(mask), "to", type.getAsInt()));
    }

    private static void ratioInput(NodeProto node, Rewrite rewrite) {
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty() && rewrite.isUsed(node.getOutput(1))) {
            throw rewrite.refuse("its mask is read, and op-set 12 defines the inference mask (all true) that "
                    + "earlier op-sets left undefined");
        }
        if (!Attributes.has(node, "ratio")) {
            rewrite.emit(node);
            return;
        }
        String ratio = rewrite.constant("ratio", Tensors.floats(Attributes.f(node, "ratio", 0.5f)).toBuilder().clearDims().build());
        rewrite.emit(Attributes.remove(node.toBuilder(), "ratio").addInput(ratio));
    }
}
