package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.opset.OldModels.BOOL;
import static io.qsvit.model.opset.OldModels.f;
import static io.qsvit.model.opset.OldModels.floats;
import static io.qsvit.model.opset.OldModels.i;
import static io.qsvit.model.opset.OldModels.ints;
import static io.qsvit.model.opset.OldModels.node;
import static io.qsvit.model.opset.OldModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Op-set 6's broadcast attributes and the experimental operators of op-sets 1 to 9. ONNX Runtime runs neither
 * op-set 6 nor most experimental operators, so the reference is the same computation written by hand in the
 * newer operators (or its values computed here).
 */
class LegacyOperatorsTest {
    @Test
    void logicalOperatorsBroadcastAtAnAxis() {
        GraphProto g = GraphProto.newBuilder().addInput(value("a", BOOL, 2, 3, 4)).addInput(value("b", BOOL, 3))
                .addOutput(value("y", BOOL, 2, 3, 4))
                .addNode(node("And", new String[] {"a", "b"}, "y").addAttribute(i("broadcast", 1)).addAttribute(i("axis", 1)))
                .build();
        ModelProto upgraded = OpsetConverter.upgrade(OldModels.model(6, g), 7);
        assertEquals(List.of("Unsqueeze", "And"), upgraded.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(List.of(1L), upgraded.getGraph().getNode(0).getAttribute(0).getIntsList()); // b: [3] -> [3, 1]
        assertEquals(0, upgraded.getGraph().getNode(1).getAttributeCount());
    }

    @Test
    void broadcastAxisNeedsRanks() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("a", (long[]) null)).addInput(floats("b", 3))
                .addOutput(floats("y", (long[]) null))
                .addNode(node("Mul", new String[] {"a", "b"}, "y").addAttribute(i("broadcast", 1)).addAttribute(i("axis", 1)))
                .build();
        assertEquals("Mul at op-set 6 (node 'Mul_y') cannot be raised to op-set 7: its broadcast axis needs the ranks "
                + "of both inputs, and the model does not tell them", assertThrows(UserInputException.class,
                () -> OpsetConverter.upgrade(OldModels.model(6, g), 7)).getMessage());
    }

    @Test
    void recurrentOutputSequenceGoes() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 1, 3)).addInput(floats("w", 1, 16, 3))
                .addInput(floats("r", 1, 16, 4)).addOutput(floats("y", (long[]) null))
                .addNode(node("LSTM", new String[] {"x", "w", "r"}, "y").addAttribute(i("hidden_size", 4))
                        .addAttribute(i("output_sequence", 1))).build();
        NodeProto lstm = OpsetConverter.upgrade(OldModels.model(6, g), 21).getGraph().getNode(0);
        assertEquals(List.of("hidden_size"), lstm.getAttributeList().stream().map(a -> a.getName()).toList());
    }

    /** ImageScaler, Affine, ScaledTanh, ParametricSoftplus and Crop at op-set 9, against values computed here. */
    @Test
    void experimentalOperatorsBecomeStandardOnes() {
        float[] x = Tensors.floats(OldModels.randomFloats("x", 3, 1, 2, 3, 4)).orElseThrow();
        List<TensorProto> in = List.of(OldModels.randomFloats("x", 3, 1, 2, 3, 4));
        float[] scaler = new float[x.length];
        float[] affine = new float[x.length];
        float[] tanh = new float[x.length];
        float[] softplus = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            scaler[k] = x[k] * 0.5f + (k < 12 ? 1f : -2f);
            affine[k] = x[k] * 3f + 0.25f;
            tanh[k] = 1.5f * (float) Math.tanh(0.5f * x[k]);
            softplus[k] = 2f * (float) Math.log(Math.exp(0.75f * x[k]) + 1);
        }
        check(node("ImageScaler", new String[] {"x"}, "y").addAttribute(f("scale", 0.5f))
                .addAttribute(OldModels.floats("bias", 1f, -2f)), scaler, in, true);
        check(node("Affine", new String[] {"x"}, "y").addAttribute(f("alpha", 3f)).addAttribute(f("beta", 0.25f)),
                affine, in, true);
        check(node("ScaledTanh", new String[] {"x"}, "y").addAttribute(f("alpha", 1.5f)).addAttribute(f("beta", 0.5f)),
                tanh, in, false);
        check(node("ParametricSoftplus", new String[] {"x"}, "y").addAttribute(f("alpha", 2f)).addAttribute(f("beta", 0.75f)),
                softplus, in, false);
        // Crop: border (left, top, right, bottom) = (1, 1, 0, 0) and scale (height, width) = (2, 2)
        float[] crop = new float[2 * 2 * 2];
        for (int c = 0; c < 2; c++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 2; w++) {
                    crop[c * 4 + h * 2 + w] = x[c * 12 + (h + 1) * 4 + (w + 1)];
                }
            }
        }
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 2, 3, 4)).addOutput(floats("y", 1, 2, 2, 2))
                .addNode(node("Crop", new String[] {"x"}, "y").addAttribute(ints("border", 1, 1, 0, 0))
                        .addAttribute(ints("scale", 2, 2))).build();
        Differential.assertSameAs(List.of(OldModels.floatTensor("y", crop, 1, 2, 2, 2)), OldModels.model(9, g), in, true, 10);
    }

    private static void check(NodeProto.Builder op, float[] expected, List<TensorProto> in, boolean exact) {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 2, 3, 4)).addOutput(floats("y", 1, 2, 3, 4))
                .addNode(op).build();
        Differential.assertSameAs(List.of(OldModels.floatTensor("y", expected, 1, 2, 3, 4)), OldModels.model(9, g),
                in, exact, 10);
    }

    @Test
    void experimentalMeanVarianceNormalization() {
        List<TensorProto> in = List.of(OldModels.randomFloats("x", 3, 2, 3, 2, 2));
        GraphProto standard = GraphProto.newBuilder().addInput(floats("x", 2, 3, 2, 2)).addOutput(floats("y", 2, 3, 2, 2))
                .addNode(node("MeanVarianceNormalization", new String[] {"x"}, "y").addAttribute(ints("axes", 0, 1, 2, 3)))
                .build();
        GraphProto experimental = standard.toBuilder().setNode(0, node("MeanVarianceNormalization", new String[] {"x"}, "y")
                .addAttribute(i("across_channels", 1))).build();
        Differential.assertSameAs(Differential.run(OldModels.model(9, standard), in), OldModels.model(8, experimental), in, true);
        GraphProto centered = standard.toBuilder().setNode(0, node("MeanVarianceNormalization", new String[] {"x"}, "y")
                .addAttribute(i("normalize_variance", 0))).build();
        GraphProto subtracted = standard.toBuilder().setNode(0, node("ReduceMean", new String[] {"x"}, "m")
                .addAttribute(ints("axes", 0, 2, 3))).addNode(node("Sub", new String[] {"x", "m"}, "y")).build();
        Differential.assertSameAs(Differential.run(OldModels.model(9, subtracted), in), OldModels.model(8, centered), in, true);
    }

    @Test
    void removedExperimentalOperatorsAreRefused() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2)).addOutput(floats("y", 2))
                .addNode(node("ATen", new String[] {"x"}, "y").addAttribute(OldModels.s("operator", "abs"))).build();
        assertEquals("ATen at op-set 9 (node 'ATen_y') cannot be raised to op-set 10: it is an experimental operator "
                + "that ONNX removed at op-set 10", assertThrows(UserInputException.class,
                () -> OpsetConverter.upgrade(OldModels.model(9, g), 13)).getMessage());
    }
}
