package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.opset.OldModels.DOUBLE;
import static io.qsvit.model.opset.OldModels.FLOAT;
import static io.qsvit.model.opset.OldModels.INT64;
import static io.qsvit.model.opset.OldModels.f;
import static io.qsvit.model.opset.OldModels.floats;
import static io.qsvit.model.opset.OldModels.i;
import static io.qsvit.model.opset.OldModels.ints;
import static io.qsvit.model.opset.OldModels.node;
import static io.qsvit.model.opset.OldModels.s;
import static io.qsvit.model.opset.OldModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Operator families the backend test data does not reach below op-set 21 (it has few old models), each
 * written as an older exporter would and run in ONNX Runtime before and after the upgrade.
 */
class AdaptersTest {
    private static String refusal(ModelProto model, int target) {
        return assertThrows(UserInputException.class, () -> OpsetConverter.upgrade(model, target)).getMessage();
    }

    @Test
    void topKWithAttributeK() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 3, 5)).addOutput(floats("v", 3, 2))
                .addOutput(value("i", INT64, 3, 2))
                .addNode(node("TopK", new String[] {"x"}, "v", "i").addAttribute(i("k", 2))).build();
        Differential.assertSame(OldModels.model(9, g), List.of(OldModels.randomFloats("x", 2, 3, 5)));
    }

    @Test
    void sliceWithAttributes() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 4, 6)).addOutput(floats("y", (long[]) null))
                .addNode(node("Slice", new String[] {"x"}, "y").addAttribute(ints("starts", 1, -4))
                        .addAttribute(ints("ends", 1000, -1)).addAttribute(ints("axes", 0, 1))).build();
        Differential.assertSame(OldModels.model(9, g), List.of(OldModels.randomFloats("x", 2, 4, 6)));
    }

    @Test
    void clipBoundsTakeTheInputsType() {
        double[] x = {-3, -1, -0.5, -0.25, 0, 0.5, 1, 1.25, 2, 7};
        for (int type : new int[] {FLOAT, DOUBLE}) {
            for (String[] bounds : new String[][] {{"min"}, {"max"}, {"min", "max"}, {}}) {
                NodeProto.Builder clip = node("Clip", new String[] {"x"}, "y");
                double lo = Double.NEGATIVE_INFINITY;
                double hi = Double.POSITIVE_INFINITY;
                for (String b : bounds) {
                    clip.addAttribute(f(b, b.equals("min") ? -0.5f : 1.25f));
                    lo = b.equals("min") ? -0.5 : lo;
                    hi = b.equals("max") ? 1.25 : hi;
                }
                GraphProto g = GraphProto.newBuilder().addInput(value("x", type, 2, 5)).addOutput(value("y", type, 2, 5))
                        .addNode(clip).build();
                if (type == FLOAT) {
                    Differential.assertSame(OldModels.model(10, g), List.of(OldModels.randomFloats("x", 4, 2, 5)));
                } else { // ONNX Runtime has no double kernel for Clip before op-set 12: the clamped values are the reference
                    double[] y = new double[x.length];
                    for (int k = 0; k < x.length; k++) {
                        y[k] = Math.min(Math.max(x[k], lo), hi);
                    }
                    Differential.assertSameAs(List.of(OldModels.doubleTensor("y", y, 2, 5)), OldModels.model(10, g),
                            List.of(OldModels.doubleTensor("x", x, 2, 5)), true, 12);
                    assertEquals(bounds.length, OpsetConverter.upgrade(OldModels.model(10, g), 11).getGraph().getNodeList()
                            .stream().filter(n -> n.getOpType().equals("Constant")).count());
                }
            }
        }
    }

    @Test
    void clipOfUnknownTypeIsRefused() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2)).addOutput(floats("y", 2))
                .addNode(node("Custom", new String[] {"x"}, "h").setDomain("my.ops"))
                .addNode(node("Clip", new String[] {"h"}, "y").addAttribute(f("max", 1f))).build();
        assertEquals("Clip at op-set 10 (node 'Clip_y') cannot be raised to op-set 11: its upper bound must take the "
                + "element type of 'h', which the model does not tell", refusal(OldModels.model(10, g), 11));
    }

    @Test
    void padValueAndModes() {
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            for (int type : new int[] {FLOAT, DOUBLE}) {
                NodeProto.Builder pad = node("Pad", new String[] {"x"}, "y").addAttribute(s("mode", mode))
                        .addAttribute(ints("pads", 0, 1, 2, 0, 2, 1));
                if (mode.equals("constant")) {
                    pad.addAttribute(f("value", 1.5f));
                }
                GraphProto g = GraphProto.newBuilder().addInput(value("x", type, 2, 3, 4))
                        .addOutput(value("y", type, (long[]) null)).addNode(pad).build();
                TensorProto x = type == FLOAT ? OldModels.randomFloats("x", 5, 2, 3, 4) : doubles("x", 24, 2, 3, 4);
                Differential.assertSame(OldModels.model(10, g), List.of(x));
            }
        }
    }

    @Test
    void dropoutMaskThatIsReadIsCastBackUntilOpset12DefinesIt() {
        // op-set 9: the mask has the data's type; something reads it
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addOutput(floats("y", 2, 3))
                .addOutput(floats("m", 2, 3))
                .addNode(node("Dropout", new String[] {"x"}, "y", "mask").addAttribute(f("ratio", 0.3f)))
                .addNode(node("Identity", new String[] {"mask"}, "m")).build();
        ModelProto old = OldModels.model(9, g);
        List<TensorProto> in = List.of(OldModels.randomFloats("x", 6, 2, 3));
        List<TensorProto> original = Differential.run(old, in);
        for (int target : new int[] {10, 11}) {
            ModelProto upgraded = OpsetConverter.upgrade(old, target);
            assertEquals(List.of("Dropout", "Cast", "Identity"),
                    upgraded.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
            assertEquals(original, Differential.run(upgraded, in));
        }
        assertEquals("Dropout at op-set 11 (node 'Dropout_y') cannot be raised to op-set 12: its mask is read, and "
                + "op-set 12 defines the inference mask (all true) that earlier op-sets left undefined", refusal(old, 12));
        // an unread mask output is dropped instead
        GraphProto unread = g.toBuilder().removeOutput(1).removeNode(1).build();
        Differential.assertSame(OldModels.model(9, unread), in);
        assertEquals(List.of("y"), OpsetConverter.upgrade(OldModels.model(9, unread), 10).getGraph().getNode(0).getOutputList());
    }

    @Test
    void trainingModeIsRefused() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addOutput(floats("y", 2, 3))
                .addNode(node("Dropout", new String[] {"x"}, "y").addAttribute(i("is_test", 0))).build();
        assertEquals("Dropout at op-set 6 (node 'Dropout_y') cannot be raised to op-set 7: it is in training mode "
                + "(is_test=0)", refusal(OldModels.model(6, g), 21));
    }

    @Test
    void perActivationBatchNormalization() {
        long[] stats = {3, 2, 2};
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3, 2, 2)).addOutput(floats("y", 2, 3, 2, 2))
                .addInitializer(OldModels.randomFloats("scale", 1, stats))
                .addInitializer(OldModels.randomFloats("bias", 2, stats))
                .addInitializer(OldModels.randomFloats("mean", 3, stats))
                .addInitializer(positive("var", 12, stats))
                .addNode(node("BatchNormalization", new String[] {"x", "scale", "bias", "mean", "var"}, "y")
                        .addAttribute(i("spatial", 0)).addAttribute(f("epsilon", 1e-3f))).build();
        Differential.assertSame(OldModels.model(8, g), List.of(OldModels.randomFloats("x", 7, 2, 3, 2, 2)));
    }

    @Test
    void batchNormalizationModeByOutputsBecomesAnAttribute() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floats("x", 4, 3)).addOutput(floats("y", 4, 3))
                .addInitializer(OldModels.randomFloats("scale", 1, 3)).addInitializer(OldModels.randomFloats("bias", 2, 3))
                .addInitializer(OldModels.randomFloats("mean", 3, 3)).addInitializer(positive("var", 3, 3));
        NodeProto.Builder bn = node("BatchNormalization", new String[] {"x", "scale", "bias", "mean", "var"}, "y");
        List<TensorProto> in = List.of(OldModels.randomFloats("x", 7, 4, 3));
        ModelProto inference = OldModels.model(13, g.clone().addNode(bn.clone()).build());
        Differential.assertSame(inference, in);
        // five outputs: training mode, normalizing by the batch's statistics
        ModelProto training = OldModels.model(13, g.clone().addOutput(floats("rm", 3))
                .addNode(bn.clone().addOutput("rm").addOutput("rv").addOutput("sm").addOutput("sv")).build());
        NodeProto at14 = OpsetConverter.upgrade(training, 14).getGraph().getNode(0);
        assertEquals(List.of("y", "rm", "rv"), at14.getOutputList());
        assertEquals(1, Attributes.i(at14, "training_mode", 0));
        Differential.assertSameAs(Differential.run(training, in), training, in, false);
        ModelProto saved = OldModels.model(13, g.clone().addOutput(floats("sm", 3))
                .addNode(bn.clone().addOutput("rm").addOutput("rv").addOutput("sm").addOutput("sv")).build());
        assertEquals("BatchNormalization at op-set 13 (node 'BatchNormalization_y') cannot be raised to op-set 14: its "
                + "saved batch mean and variance outputs have no op-set 14 form", refusal(saved, 21));
    }

    @Test
    void groupNormalizationScalePerGroupBecomesPerChannel() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 6, 3)).addOutput(floats("y", 2, 6, 3))
                .addInitializer(OldModels.floatTensor("scale", new float[] {0.5f, 2f, -1f}, 3))
                .addInitializer(OldModels.floatTensor("bias", new float[] {0.25f, 0f, 1f}, 3))
                .addNode(node("GroupNormalization", new String[] {"x", "scale", "bias"}, "y")
                        .addAttribute(i("num_groups", 3))).build();
        ModelProto old = OldModels.model(18, g);
        TensorProto x = OldModels.randomFloats("x", 8, 2, 6, 3);
        // ONNX Runtime expands op-set 18's GroupNormalization through its function body, so the original runs
        Differential.assertSameAs(Differential.run(old, List.of(x)), old, List.of(x), false);
    }

    @Test
    void roiAlignKeepsItsOutputHalfPixelSampling() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 2, 6, 6)).addInput(floats("rois", 2, 4))
                .addInput(value("idx", INT64, 2)).addOutput(floats("y", 2, 2, 3, 3))
                .addNode(node("RoiAlign", new String[] {"x", "rois", "idx"}, "y").addAttribute(i("output_height", 3))
                        .addAttribute(i("output_width", 3)).addAttribute(f("spatial_scale", 0.5f))).build();
        List<TensorProto> in = List.of(OldModels.randomFloats("x", 3, 1, 2, 6, 6),
                OldModels.floatTensor("rois", new float[] {0, 0, 7, 7, 2, 1, 9, 10}, 2, 4),
                OldModels.longTensor("idx", new long[] {0, 0}, 2));
        Differential.assertSame(OldModels.model(10, g), in);
    }

    @Test
    void scatterBecomesScatterElements() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 3, 3)).addInput(value("idx", INT64, 2, 3))
                .addInput(floats("u", 2, 3)).addOutput(floats("y", 3, 3))
                .addNode(node("Scatter", new String[] {"x", "idx", "u"}, "y").addAttribute(i("axis", 1))).build();
        Differential.assertSame(OldModels.model(9, g), List.of(OldModels.randomFloats("x", 1, 3, 3),
                OldModels.longTensor("idx", new long[] {0, 2, 1, 1, 0, 2}, 2, 3), OldModels.randomFloats("u", 2, 2, 3)));
    }

    @Test
    void axesAttributesOfSqueezeUnsqueezeAndReduce() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 1, 3, 4)).addOutput(floats("y", (long[]) null))
                .addNode(node("Squeeze", new String[] {"x"}, "a").addAttribute(ints("axes", 1)))
                .addNode(node("ReduceMean", new String[] {"a"}, "b").addAttribute(ints("axes", -1)))
                .addNode(node("ReduceSum", new String[] {"b"}, "c").addAttribute(ints("axes", 0)).addAttribute(i("keepdims", 0)))
                .addNode(node("Unsqueeze", new String[] {"c"}, "d").addAttribute(ints("axes", 0, 2)))
                .addNode(node("ReduceMax", new String[] {"d"}, "y")).build();
        Differential.assertSame(OldModels.model(11, g), List.of(OldModels.randomFloats("x", 9, 2, 1, 3, 4)));
    }

    @Test
    void splitSizesAndCounts() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 6, 2)).addOutput(floats("a", (long[]) null))
                .addOutput(floats("b", (long[]) null)).addOutput(floats("c", (long[]) null))
                .addOutput(floats("d", (long[]) null))
                .addNode(node("Split", new String[] {"x"}, "a", "b").addAttribute(ints("split", 2, 4)))
                .addNode(node("Split", new String[] {"x"}, "c", "d").addAttribute(i("axis", 0))).build();
        ModelProto old = OldModels.model(11, g);
        Differential.assertSame(old, List.of(OldModels.randomFloats("x", 9, 6, 2)));
        assertEquals(2, Attributes.i(OpsetConverter.upgrade(old, 18).getGraph().getNodeList().stream()
                .filter(n -> n.getOutput(0).equals("c")).findFirst().orElseThrow(), "num_outputs", 0));
    }

    private static TensorProto positive(String name, long seed, long... dims) {
        TensorProto t = OldModels.randomFloats(name, seed, dims);
        float[] v = Tensors.floats(t).orElseThrow();
        for (int k = 0; k < v.length; k++) {
            v[k] = Math.abs(v[k]) + 0.1f;
        }
        return OldModels.floatTensor(name, v, dims);
    }

    private static TensorProto doubles(String name, int n, long... dims) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = Math.sin(k) * 3;
        }
        return OldModels.doubleTensor(name, v, dims);
    }
}
