package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.OptionalInt;

/**
 * BatchNormalization lost {@code is_test} at op-set 7 (only inference is carried), {@code spatial} at 9 (a
 * per-activation normalization, spatial=0, becomes one over the flattened activations), and at 14 said its
 * training mode by an attribute instead of by its number of outputs. GroupNormalization's scale and bias went from one value per group to one per
 * channel at 21: each group's value is repeated over the group's channels.
 */
final class Normalizations {
    private Normalizations() {
    }

    static void register(AdapterTable table) {
        table.add("BatchNormalization", 7, Normalizations::inferenceOnly);
        table.add("BatchNormalization", 9, Normalizations::withoutSpatial);
        table.add("BatchNormalization", 14, Normalizations::withoutStatistics);
        table.add("GroupNormalization", 21, Normalizations::perChannel);
    }

    private static void inferenceOnly(NodeProto node, Rewrite rewrite) {
        if (Attributes.i(node, "is_test", 0) == 0) {
            throw rewrite.refuse("it is in training mode (is_test=0)");
        }
        rewrite.emit(Attributes.remove(node.toBuilder(), "is_test"));
    }

    private static void withoutSpatial(NodeProto node, Rewrite rewrite) {
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "spatial");
        if (Attributes.i(node, "spatial", 1) != 0) {
            rewrite.emit(b);
            return;
        }
        if (usedOutputs(node, rewrite) > 1) {
            throw rewrite.refuse("its per-activation (spatial=0) training statistics have no op-set 9 form");
        }
        String x = node.getInput(0);
        String shape = rewrite.fresh("shape");
        String flat = rewrite.fresh("flat");
        String minusOne = rewrite.int64s("flat_shape", -1);
        rewrite.emit(rewrite.node("Shape").addInput(x).addOutput(shape));
        rewrite.emit(Attributes.setInt(rewrite.node("Flatten").addInput(x).addOutput(flat), "axis", 1));
        b.setInput(0, flat);
        for (int k = 1; k < node.getInputCount(); k++) {
            String param = rewrite.fresh("flat_param");
            rewrite.emit(rewrite.node("Reshape").addInput(node.getInput(k)).addInput(minusOne).addOutput(param));
            b.setInput(k, param);
        }
        String normalized = rewrite.fresh("normalized");
        Ports.keepOutputs(b, 1);
        rewrite.emit(b.setOutput(0, normalized));
        rewrite.emit(rewrite.node("Reshape").addInput(normalized).addInput(shape).addOutput(node.getOutput(0)));
    }

    /**
     * Op-sets 9 to 13 said the mode by the outputs: Y alone is inference, Y with the four statistics is training
     * (normalizing by the batch's own mean and variance). Op-set 14 says it by {@code training_mode} and keeps
     * the running mean and variance outputs; the saved (batch) statistics are gone.
     */
    private static void withoutStatistics(NodeProto node, Rewrite rewrite) {
        boolean training = node.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty());
        if (!training) {
            rewrite.emit(Ports.keepOutputs(node.toBuilder(), 1));
            return;
        }
        for (int k = 3; k < node.getOutputCount(); k++) {
            if (!node.getOutput(k).isEmpty() && rewrite.isUsed(node.getOutput(k))) {
                throw rewrite.refuse("its saved batch mean and variance outputs have no op-set 14 form");
            }
        }
        rewrite.emit(Attributes.setInt(Ports.keepOutputs(node.toBuilder(), 3), "training_mode", 1));
    }

    /** Outputs that anything reads; output 0 counts always. */
    private static int usedOutputs(NodeProto node, Rewrite rewrite) {
        int used = 1;
        for (int k = 1; k < node.getOutputCount(); k++) {
            if (!node.getOutput(k).isEmpty() && rewrite.isUsed(node.getOutput(k))) {
                used++;
            }
        }
        return used;
    }

    private static void perChannel(NodeProto node, Rewrite rewrite) {
        if (node.getInputCount() < 3 || !Attributes.has(node, "num_groups")) {
            throw rewrite.refuse("it needs scale, bias and num_groups");
        }
        long groups = Attributes.i(node, "num_groups", 1);
        String x = node.getInput(0);
        String channels = rewrite.fresh("channels");
        rewrite.emit(Attributes.setInt(Attributes.setInt(rewrite.node("Shape").addInput(x).addOutput(channels),
                "start", 1), "end", 2));
        String perGroup = rewrite.fresh("channels_per_group");
        rewrite.emit(rewrite.node("Div").addInput(channels).addInput(rewrite.int64s("groups", groups)).addOutput(perGroup));
        String expandShape = rewrite.fresh("expand_shape");
        rewrite.emit(Attributes.setInt(rewrite.node("Concat").addInput(rewrite.int64s("one", 1)).addInput(perGroup)
                .addOutput(expandShape), "axis", 0));
        String column = rewrite.int64s("column", -1, 1);
        String flat = rewrite.int64s("flat", -1);
        NodeProto.Builder b = node.toBuilder();
        for (int k = 1; k <= 2; k++) {
            String grouped = rewrite.fresh("grouped");
            String expanded = rewrite.fresh("expanded");
            String channel = rewrite.fresh(k == 1 ? "channel_scale" : "channel_bias");
            rewrite.emit(rewrite.node("Reshape").addInput(node.getInput(k)).addInput(column).addOutput(grouped));
            rewrite.emit(rewrite.node("Expand").addInput(grouped).addInput(expandShape).addOutput(expanded));
            rewrite.emit(rewrite.node("Reshape").addInput(expanded).addInput(flat).addOutput(channel));
            b.setInput(k, channel);
        }
        // op-set 21 computes in float32 unless told; before, it computed in the input's type
        OptionalInt type = rewrite.elementType(x);
        if (type.isPresent() && type.getAsInt() != DataType.FLOAT_VALUE && !Attributes.has(node, "stash_type")) {
            Attributes.setInt(b, "stash_type", type.getAsInt());
        }
        rewrite.emit(b);
    }
}
