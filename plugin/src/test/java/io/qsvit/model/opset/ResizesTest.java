package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.opset.OldModels.f;
import static io.qsvit.model.opset.OldModels.floats;
import static io.qsvit.model.opset.OldModels.node;
import static io.qsvit.model.opset.OldModels.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Upsample (op-sets 7 and 9) and Resize (op-set 10) upgraded to every later op-set compute exactly what ONNX
 * Runtime computes for the original: random input sizes and scales, enlarging, shrinking and both at once,
 * scales constant or fed at run time, nearest and linear modes.
 */
class ResizesTest {
    record Case(int h, int w, float sh, float sw, String mode, boolean dynamic) {
    }

    @Provide
    Arbitrary<Case> resize10() {
        Arbitrary<Float> scale = Arbitraries.of(0.25f, 0.4f, 0.5f, 0.6f, 0.75f, 1f, 1.25f, 1.5f, 2f, 2.5f, 3f, 4f);
        return Combinators.combine(Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 9),
                scale, scale, Arbitraries.of("nearest", "linear"), Arbitraries.of(false, true))
                .as(Case::new).filter(c -> (int) (c.h * c.sh) > 0 && (int) (c.w * c.sw) > 0)
                // run-time scales that shrink one axis and enlarge another are the documented inexact case
                .filter(c -> !c.dynamic || c.mode.equals("linear") || (c.sh <= 1 && c.sw <= 1) || (c.sh >= 1 && c.sw >= 1));
    }

    @Property(tries = 60)
    void resize10(@ForAll("resize10") Case c) {
        float[] scales = {1f, 1f, c.sh, c.sw};
        TensorProto scaleTensor = OldModels.floatTensor("scales", scales, 4);
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floats("x", 1, 2, c.h, c.w))
                .addOutput(floats("y", (long[]) null))
                .addNode(node("Resize", new String[] {"x", "scales"}, "y").addAttribute(s("mode", c.mode)));
        if (c.dynamic) {
            g.addInput(floats("scales", 4));
        } else {
            g.addInitializer(scaleTensor);
        }
        List<TensorProto> inputs = c.dynamic
                ? List.of(OldModels.randomFloats("x", c.h * 31L + c.w, 1, 2, c.h, c.w), scaleTensor)
                : List.of(OldModels.randomFloats("x", c.h * 31L + c.w, 1, 2, c.h, c.w));
        Differential.assertSame(OldModels.model(10, g.build()), inputs);
    }

    @Provide
    Arbitrary<Case> upsample() {
        Arbitrary<Float> scale = Arbitraries.of(1f, 1.5f, 2f, 2.5f, 3f, 4f);
        return Combinators.combine(Arbitraries.integers().between(1, 7), Arbitraries.integers().between(1, 7),
                scale, scale, Arbitraries.of("nearest", "linear"), Arbitraries.of(false, true)).as(Case::new);
    }

    /** op-set 7/8 Upsample carries scales as an attribute; 9 as an input (c.dynamic chooses 9 here). */
    @Property(tries = 40)
    void upsample(@ForAll("upsample") Case c) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floats("x", 1, 3, c.h, c.w)).addOutput(floats("y", (long[]) null));
        int opset;
        if (c.dynamic) {
            opset = 9;
            g.addInitializer(OldModels.floatTensor("scales", new float[] {1f, 1f, c.sh, c.sw}, 4));
            g.addNode(node("Upsample", new String[] {"x", "scales"}, "y").addAttribute(s("mode", c.mode)));
        } else {
            opset = 7;
            g.addNode(node("Upsample", new String[] {"x"}, "y").addAttribute(s("mode", c.mode))
                    .addAttribute(OldModels.floats("scales", 1f, 1f, c.sh, c.sw)));
        }
        Differential.assertSame(OldModels.model(opset, g.build()),
                List.of(OldModels.randomFloats("x", c.h * 17L + c.w, 1, 3, c.h, c.w)));
    }

    @Test
    void mixedConstantScalesBecomeGathers() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 1, 5, 5)).addOutput(floats("y", (long[]) null))
                .addInitializer(OldModels.floatTensor("scales", new float[] {1f, 1f, 0.6f, 2f}, 4))
                .addNode(node("Resize", new String[] {"x", "scales"}, "y")).build();
        ModelProto upgraded = OpsetConverter.upgrade(OldModels.model(10, g), 11);
        List<NodeProto> nodes = upgraded.getGraph().getNodeList();
        assertEquals(0, nodes.stream().filter(n -> n.getOpType().equals("Resize")).count());
        List<NodeProto> gathers = nodes.stream().filter(n -> n.getOpType().equals("Gather")
                && Attributes.has(n, "axis")).toList();
        assertEquals(List.of(2L, 3L), gathers.stream().map(n -> Attributes.i(n, "axis", -1)).toList());
        assertEquals("Resize_y", gathers.get(1).getName()); // the last one stands for the original node
        assertEquals("y", gathers.get(1).getOutput(0));
    }

    /**
     * Scales fed at run time: a shrinking Resize (rounding up) then an enlarging one (rounding down). Exact
     * where all scales go one way, as Upsample's do.
     */
    @Test
    void runtimeScalesBecomeAShrinkingAndAnEnlargingResize() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 1, 4, 5)).addInput(floats("scales", 4))
                .addOutput(floats("y", (long[]) null))
                .addNode(node("Resize", new String[] {"x", "scales"}, "y")).build();
        ModelProto upgraded = OpsetConverter.upgrade(OldModels.model(10, g), 11);
        List<NodeProto> resizes = upgraded.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Resize")).toList();
        assertEquals(List.of("ceil", "floor"), resizes.stream().map(n -> Attributes.s(n, "nearest_mode", "")).toList());
        for (float[] scales : new float[][] {{1f, 1f, 2f, 3f}, {1f, 1f, 0.5f, 0.4f}, {1f, 1f, 1f, 1.5f}}) {
            List<TensorProto> in = List.of(OldModels.randomFloats("x", 3, 1, 1, 4, 5),
                    OldModels.floatTensor("scales", scales, 4));
            Differential.assertSame(OldModels.model(10, g), in);
        }
    }

    @Test
    void tfHalfPixelForNearestBecomesHalfPixelWithShiftedRounding() {
        for (String rounding : new String[] {"round_prefer_floor", "floor"}) {
            GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 1, 4, 6)).addOutput(floats("y", (long[]) null))
                    .addInitializer(OldModels.floatTensor("roi", new float[0], 0))
                    .addInitializer(OldModels.floatTensor("scales", new float[] {1f, 1f, 0.75f, 1.5f}, 4))
                    .addNode(node("Resize", new String[] {"x", "roi", "scales"}, "y").addAttribute(s("mode", "nearest"))
                            .addAttribute(s("coordinate_transformation_mode", "tf_half_pixel_for_nn"))
                            .addAttribute(s("nearest_mode", rounding))).build();
            Differential.assertSame(OldModels.model(11, g), List.of(OldModels.randomFloats("x", 5, 1, 1, 4, 6)));
        }
        GraphProto ceil = GraphProto.newBuilder().addInput(floats("x", 1, 1, 4, 6)).addOutput(floats("y", (long[]) null))
                .addNode(node("Resize", new String[] {"x", "", "", "sizes"}, "y")
                        .addAttribute(s("coordinate_transformation_mode", "tf_half_pixel_for_nn"))
                        .addAttribute(s("nearest_mode", "ceil"))).build();
        assertEquals("Resize at op-set 12 (node 'Resize_y') cannot be raised to op-set 13: tf_half_pixel_for_nn "
                        + "with nearest_mode ceil has no op-set 13 equivalent",
                org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class,
                        () -> OpsetConverter.upgrade(OldModels.model(12, ceil), 13)).getMessage());
    }

    @Test
    void opset6UpsampleScalesHeightAndWidth() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 2, 3, 4)).addOutput(floats("y", 1, 2, 6, 12))
                .addNode(node("Upsample", new String[] {"x"}, "y").addAttribute(s("mode", "bilinear"))
                        .addAttribute(f("height_scale", 2f)).addAttribute(f("width_scale", 3f))).build();
        ModelProto old = OldModels.model(6, g);
        List<TensorProto> in = List.of(OldModels.randomFloats("x", 9, 1, 2, 3, 4));
        // the same computation written at op-set 7 by hand is the reference ONNX Runtime can run
        GraphProto at7 = g.toBuilder().setNode(0, node("Upsample", new String[] {"x"}, "y").addAttribute(s("mode", "linear"))
                .addAttribute(OldModels.floats("scales", 1f, 1f, 2f, 3f))).build();
        Differential.assertSameAs(Differential.run(OldModels.model(7, at7), in), old, in, true);
    }
}
