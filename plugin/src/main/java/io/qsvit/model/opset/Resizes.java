package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.Optional;

/**
 * Upsample and Resize, whose inputs and meaning moved the most:
 * <ul>
 *   <li>7: Upsample's {@code height_scale}/{@code width_scale} became {@code scales} (mode bilinear: linear);</li>
 *   <li>9: Upsample's {@code scales} became an input;</li>
 *   <li>10: Upsample was deprecated for Resize, which took the same inputs and meaning;</li>
 *   <li>11: Resize gained a roi input and a coordinate transformation, whose default (half_pixel) is not
 *       what op-set 10 did: it mapped output coordinates back by x / scale (asymmetric) and, in nearest mode,
 *       rounded down on axes it enlarges and up on axes it shrinks. An op-set 11 Resize rounds one way for all
 *       axes, so the node becomes two: one that shrinks (rounding up), one that enlarges (rounding down), each
 *       with scale 1 (an exact copy) on the other axes;</li>
 *   <li>13: the {@code tf_half_pixel_for_nn} coordinate transformation was removed; it equals half_pixel with
 *       the rounding shifted by half a pixel (round-half-down there is ceil here, floor is round-half-up).</li>
 * </ul>
 */
final class Resizes {
    private Resizes() {
    }

    static void register(AdapterTable table) {
        table.add("Upsample", 7, Resizes::scalesAttribute);
        table.add("Upsample", 9, Resizes::scalesInput);
        table.add("Upsample", 10, Resizes::toResize);
        table.add("Resize", 11, Resizes::coordinateTransformation);
        table.add("Resize", 13, Resizes::withoutTfHalfPixel);
    }

    private static void scalesAttribute(NodeProto node, Rewrite rewrite) {
        NodeProto.Builder b = node.toBuilder();
        if (Attributes.has(node, "height_scale") || Attributes.has(node, "width_scale")) {
            float h = Attributes.f(node, "height_scale", 1f);
            float w = Attributes.f(node, "width_scale", 1f);
            Attributes.remove(b, "height_scale", "width_scale");
            b.addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("scales")
                    .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOATS)
                    .addFloats(1f).addFloats(1f).addFloats(h).addFloats(w));
        }
        if (Attributes.s(node, "mode", "nearest").equals("bilinear")) {
            Attributes.setString(b, "mode", "linear");
        }
        rewrite.emit(b);
    }

    private static void scalesInput(NodeProto node, Rewrite rewrite) {
        float[] scales = Attributes.floats(node, "scales");
        if (scales == null) {
            throw rewrite.refuse("it has no scales");
        }
        String input = rewrite.floats("scales", scales);
        rewrite.emit(Attributes.remove(node.toBuilder(), "scales").addInput(input));
    }

    private static void toResize(NodeProto node, Rewrite rewrite) {
        if (node.getInputCount() < 2) {
            throw rewrite.refuse("it has no scales input");
        }
        rewrite.emit(node.toBuilder().setOpType("Resize"));
    }

    private static void coordinateTransformation(NodeProto node, Rewrite rewrite) {
        if (node.getInputCount() < 2 || node.getInput(1).isEmpty()) {
            throw rewrite.refuse("it has no scales input");
        }
        String mode = Attributes.s(node, "mode", "nearest");
        String x = node.getInput(0);
        String scales = node.getInput(1);
        String roi = rewrite.constant("roi", TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(0).build());
        if (!mode.equals("nearest")) {
            rewrite.emit(Attributes.setString(node.toBuilder().clearInput().addInput(x).addInput(roi).addInput(scales),
                    "coordinate_transformation_mode", "asymmetric"));
            return;
        }
        Optional<float[]> known = rewrite.constant(scales).flatMap(Tensors::floats);
        boolean shrinks = known.map(s -> any(s, v -> v < 1f)).orElse(true);
        boolean enlarges = known.map(s -> any(s, v -> v > 1f)).orElse(true);
        if (!shrinks || !enlarges) {
            rewrite.emit(nearest(node.toBuilder().clearInput().addInput(x).addInput(roi).addInput(scales),
                    shrinks ? "ceil" : "floor"));
            return;
        }
        // shrink first (scales below 1, else 1), then enlarge (scales above 1, else 1)
        String one = rewrite.floats("one", 1f);
        String down = rewrite.fresh("shrink_scales");
        String up = rewrite.fresh("enlarge_scales");
        String shrunk = rewrite.fresh("shrunk");
        rewrite.emit(rewrite.node("Min").addInput(scales).addInput(one).addOutput(down));
        rewrite.emit(rewrite.node("Max").addInput(scales).addInput(one).addOutput(up));
        rewrite.emit(nearest(node.toBuilder().clearInput().addInput(x).addInput(roi).addInput(down).setOutput(0, shrunk), "ceil"));
        rewrite.emit(nearest(rewrite.node("Resize").addAllAttribute(node.getAttributeList()).addInput(shrunk).addInput(roi)
                .addInput(up).addOutput(node.getOutput(0)), "floor"));
    }

    private static NodeProto.Builder nearest(NodeProto.Builder node, String rounding) {
        Attributes.setString(node, "coordinate_transformation_mode", "asymmetric");
        return Attributes.setString(node, "nearest_mode", rounding);
    }

    private static boolean any(float[] values, java.util.function.DoublePredicate test) {
        for (float v : values) {
            if (test.test(v)) {
                return true;
            }
        }
        return false;
    }

    private static void withoutTfHalfPixel(NodeProto node, Rewrite rewrite) {
        if (!Attributes.s(node, "coordinate_transformation_mode", "half_pixel").equals("tf_half_pixel_for_nn")) {
            rewrite.emit(node);
            return;
        }
        String rounding = Attributes.s(node, "nearest_mode", "round_prefer_floor");
        if (!Attributes.s(node, "mode", "nearest").equals("nearest")) {
            throw rewrite.refuse("tf_half_pixel_for_nn is defined for nearest mode only");
        }
        String shifted = switch (rounding) {
            case "round_prefer_floor" -> "ceil";
            case "floor" -> "round_prefer_ceil";
            default -> throw rewrite.refuse("tf_half_pixel_for_nn with nearest_mode " + rounding
                    + " has no op-set 13 equivalent");
        };
        NodeProto.Builder b = Attributes.setString(node.toBuilder(), "coordinate_transformation_mode", "half_pixel");
        rewrite.emit(Attributes.setString(b, "nearest_mode", shifted));
    }
}
