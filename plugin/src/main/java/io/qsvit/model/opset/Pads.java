package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.OptionalInt;

/**
 * Pad's {@code pads} and {@code value} attributes became inputs at op-set 11. The padding value must have the
 * data's element type; a zero value is the new default and needs no input.
 */
final class Pads {
    private Pads() {
    }

    static void register(AdapterTable table) {
        table.add("Pad", 11, Pads::pad);
    }

    private static void pad(NodeProto node, Rewrite rewrite) {
        long[] pads = Attributes.ints(node, "pads");
        if (pads == null) {
            throw rewrite.refuse("it has no pads");
        }
        float value = Attributes.f(node, "value", 0f);
        String mode = Attributes.s(node, "mode", "constant");
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "pads", "value");
        b.addInput(rewrite.int64s("pads", pads));
        if (mode.equals("constant") && value != 0f) {
            b.addInput(rewrite.constant("value", typedScalar(node.getInput(0), value, rewrite, "padding value")));
        }
        rewrite.emit(b);
    }

    /** A scalar of {@code input}'s element type; refused where the model does not tell that type. */
    static TensorProto typedScalar(String input, float value, Rewrite rewrite, String what) {
        OptionalInt type = rewrite.elementType(input);
        if (type.isEmpty()) {
            throw rewrite.refuse("its " + what + " must take the element type of '" + input
                    + "', which the model does not tell");
        }
        return Tensors.scalar(type.getAsInt(), value).orElseThrow(() -> rewrite.refuse("its " + what
                + " cannot be written as element type " + TensorProto.DataType.forNumber(type.getAsInt())));
    }
}
