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
 *       axes: where all scales enlarge (as Upsample's always do) or all shrink, one Resize says it; where
 *       constant scales do both, each resized axis becomes a Gather of the indices op-set 10 picked; scales
 *       known only at run time become a Resize that shrinks (rounding up) and one that enlarges (rounding
 *       down), each with scale 1 on the other axes;</li>
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
        } else if (known.isPresent()) {
            gathers(node, known.get(), rewrite);
        } else {
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
    }

    /**
     * Op-set 10 nearest resizing with constant scales that both shrink and enlarge, one axis at a time: output
     * size (int64) (size * scale) computed in float, source index x / scale rounded up where the axis shrinks,
     * down where it grows, clamped to the last index, and a Gather of those indices.
     */
    private static void gathers(NodeProto node, float[] scales, Rewrite rewrite) {
        String x = node.getInput(0);
        String shape = rewrite.fresh("shape");
        rewrite.emit(rewrite.node("Shape").addInput(x).addOutput(shape));
        String zero = rewrite.constant("zero", Tensors.floats(0f).toBuilder().clearDims().build());
        String step = rewrite.constant("step", Tensors.floats(1f).toBuilder().clearDims().build());
        String current = x;
        int last = -1;
        for (int axis = 0; axis < scales.length; axis++) {
            if (scales[axis] != 1f) {
                last = axis;
            }
        }
        for (int axis = 0; axis < scales.length; axis++) {
            if (scales[axis] == 1f) {
                continue;
            }
            String scale = rewrite.constant("scale", Tensors.floats(scales[axis]).toBuilder().clearDims().build());
            String size = emit(rewrite, rewrite.node("Gather").addInput(shape).addInput(rewrite.constant("axis",
                    Tensors.int64Scalar(axis))), "size");
            String sizeF = emit(rewrite, Attributes.setInt(rewrite.node("Cast").addInput(size), "to",
                    TensorProto.DataType.FLOAT_VALUE), "size_f");
            String outF = emit(rewrite, rewrite.node("Mul").addInput(sizeF).addInput(scale), "resized_f");
            String outI = emit(rewrite, Attributes.setInt(rewrite.node("Cast").addInput(outF), "to",
                    TensorProto.DataType.INT64_VALUE), "resized");
            String limit = emit(rewrite, Attributes.setInt(rewrite.node("Cast").addInput(outI), "to",
                    TensorProto.DataType.FLOAT_VALUE), "limit");
            String positions = emit(rewrite, rewrite.node("Range").addInput(zero).addInput(limit).addInput(step), "positions");
            String source = emit(rewrite, rewrite.node("Div").addInput(positions).addInput(scale), "source");
            String rounded = emit(rewrite, rewrite.node(scales[axis] < 1f ? "Ceil" : "Floor").addInput(source), "rounded");
            // clamped in float: op-set 11's Min takes no integers (indices are far below 2^24)
            String lastIndex = emit(rewrite, rewrite.node("Sub").addInput(sizeF).addInput(step), "last_index");
            String clamped = emit(rewrite, rewrite.node("Min").addInput(rounded).addInput(lastIndex), "clamped");
            String index = emit(rewrite, Attributes.setInt(rewrite.node("Cast").addInput(clamped), "to",
                    TensorProto.DataType.INT64_VALUE), "index");
            NodeProto.Builder gather = Attributes.setInt(rewrite.node("Gather").addInput(current).addInput(index), "axis", axis);
            if (axis == last) {
                rewrite.emit(gather.setName(node.getName().isEmpty() ? gather.getName() : node.getName())
                        .addOutput(node.getOutput(0)));
            } else {
                current = emit(rewrite, gather, "resized_axis");
            }
        }
    }

    private static String emit(Rewrite rewrite, NodeProto.Builder node, String what) {
        String out = rewrite.fresh(what);
        rewrite.emit(node.addOutput(out));
        return out;
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
