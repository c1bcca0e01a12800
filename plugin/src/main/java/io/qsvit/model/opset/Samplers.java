package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Sampling operators whose defaults or names changed: RoiAlign gained {@code coordinate_transformation_mode}
 * at op-set 16 with a half-pixel default, where before it sampled as output_half_pixel; GridSample renamed its
 * modes at 20 (bilinear: linear, bicubic: cubic); DFT's {@code axis} attribute (default 1) became an input at 20.
 */
final class Samplers {
    private Samplers() {
    }

    static void register(AdapterTable table) {
        table.add("RoiAlign", 16, (node, rewrite) -> rewrite.emit(Attributes.has(node, "coordinate_transformation_mode")
                ? node.toBuilder()
                : Attributes.setString(node.toBuilder(), "coordinate_transformation_mode", "output_half_pixel")));
        table.add("GridSample", 20, Samplers::gridSample);
        table.add("DFT", 20, Samplers::dft);
    }

    private static void gridSample(NodeProto node, Rewrite rewrite) {
        String mode = Attributes.s(node, "mode", "bilinear");
        String renamed = switch (mode) {
            case "bilinear" -> "linear";
            case "bicubic" -> "cubic";
            default -> mode;
        };
        rewrite.emit(Attributes.setString(node.toBuilder(), "mode", renamed));
    }

    private static void dft(NodeProto node, Rewrite rewrite) {
        String axis = rewrite.constant("axis", Tensors.int64Scalar(Attributes.i(node, "axis", 1)));
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "axis");
        while (b.getInputCount() < 2) {
            b.addInput("");
        }
        rewrite.emit(b.addInput(axis));
    }
}
