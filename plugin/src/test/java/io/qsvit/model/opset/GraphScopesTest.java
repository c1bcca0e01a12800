package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.opset.OldModels.BOOL;
import static io.qsvit.model.opset.OldModels.INT64;
import static io.qsvit.model.opset.OldModels.floats;
import static io.qsvit.model.opset.OldModels.graph;
import static io.qsvit.model.opset.OldModels.i;
import static io.qsvit.model.opset.OldModels.ints;
import static io.qsvit.model.opset.OldModels.node;
import static io.qsvit.model.opset.OldModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where nodes live besides the main graph (If branches, Loop bodies, model-local functions), what the converter
 * leaves alone (other domains), the IR version, names and determinism.
 */
class GraphScopesTest {
    /** If at op-set 11 whose branches squeeze by attribute and take a Softmax over trailing axes. */
    @Test
    void ifBranchesAreConverted() {
        GraphProto then = GraphProto.newBuilder().setName("then").addOutput(floats("t", (long[]) null))
                .addNode(node("Squeeze", new String[] {"x"}, "sq").addAttribute(ints("axes", 0)))
                .addNode(node("Softmax", new String[] {"sq"}, "t").addAttribute(i("axis", 0))).build();
        GraphProto otherwise = GraphProto.newBuilder().setName("else").addOutput(floats("e", (long[]) null))
                .addNode(node("ReduceMean", new String[] {"x"}, "e").addAttribute(ints("axes", 0)).addAttribute(i("keepdims", 0)))
                .build();
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 1, 3, 4)).addInput(value("c", BOOL))
                .addOutput(floats("y", (long[]) null))
                .addNode(node("If", new String[] {"c"}, "y").addAttribute(graph("then_branch", then))
                        .addAttribute(graph("else_branch", otherwise))).build();
        ModelProto old = OldModels.model(11, g);
        for (boolean c : new boolean[] {true, false}) {
            Differential.assertSame(old, List.of(OldModels.randomFloats("x", 4, 1, 3, 4), OldModels.bool("c", c)));
        }
        GraphProto branch = OpsetConverter.upgrade(old, 13).getGraph().getNode(0).getAttribute(0).getG();
        assertEquals(List.of("Constant", "Squeeze", "Shape", "Flatten", "Softmax", "Reshape"),
                branch.getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    /** Loop at op-set 12 whose body reads an outer value and unsqueezes by attribute. */
    @Test
    void loopBodiesAreConverted() {
        GraphProto body = GraphProto.newBuilder().setName("body").addInput(value("iter", INT64)).addInput(value("cond", BOOL))
                .addInput(floats("acc", (long[]) null)).addOutput(value("cond_out", BOOL)).addOutput(floats("acc_out", (long[]) null))
                .addOutput(floats("scan_out", (long[]) null))
                .addNode(node("Identity", new String[] {"cond"}, "cond_out"))
                .addNode(node("Add", new String[] {"acc", "x"}, "acc_out"))
                .addNode(node("ReduceSum", new String[] {"acc_out"}, "s").addAttribute(ints("axes", 1)).addAttribute(i("keepdims", 0)))
                .addNode(node("Unsqueeze", new String[] {"s"}, "scan_out").addAttribute(ints("axes", 0))).build();
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addOutput(floats("final", (long[]) null))
                .addOutput(floats("scans", (long[]) null))
                .addInitializer(OldModels.longTensor("n", new long[] {3}))
                .addInitializer(OldModels.bool("go", true))
                .addInitializer(OldModels.floatTensor("zero", new float[6], 2, 3))
                .addNode(node("Loop", new String[] {"n", "go", "zero"}, "final", "scans").addAttribute(graph("body", body)))
                .build();
        Differential.assertSame(OldModels.model(12, g), List.of(OldModels.randomFloats("x", 4, 2, 3)));
    }

    /** A model-local function (IR 8) importing op-set 17 whose ReduceMean takes axes by attribute. */
    @Test
    void functionsAreConverted() {
        FunctionProto f = FunctionProto.newBuilder().setName("MeanOverLast").setDomain("my.fn").addInput("a").addOutput("b")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addNode(node("ReduceMean", new String[] {"a"}, "b").addAttribute(ints("axes", -1))).build();
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addOutput(floats("y", (long[]) null))
                .addNode(node("MeanOverLast", new String[] {"x"}, "y").setDomain("my.fn")).build();
        ModelProto old = OldModels.model(17, g).toBuilder().setIrVersion(8).addFunctions(f)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("my.fn").setVersion(1)).build();
        Differential.assertSame(old, List.of(OldModels.randomFloats("x", 4, 2, 3)));
        ModelProto upgraded = OpsetConverter.upgrade(old, 18);
        assertEquals(18, upgraded.getFunctions(0).getOpsetImport(0).getVersion());
        assertEquals(List.of("Constant", "ReduceMean"), upgraded.getFunctions(0).getNodeList().stream()
                .map(NodeProto::getOpType).toList());
    }

    /** ai.onnx.ml and custom domains keep their nodes and op-set imports byte for byte. */
    @Test
    void otherDomainsAreUntouched() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addOutput(floats("y", (long[]) null))
                .addNode(node("Normalizer", new String[] {"x"}, "n").setDomain("ai.onnx.ml")
                        .addAttribute(OldModels.s("norm", "L1")))
                .addNode(node("Softmax", new String[] {"n"}, "y")).build();
        ModelProto old = OldModels.model(11, g).toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(2)).build();
        Differential.assertSame(old, List.of(OldModels.randomFloats("x", 4, 2, 3)));
        ModelProto upgraded = OpsetConverter.upgrade(old, 21);
        assertEquals(old.getGraph().getNode(0), upgraded.getGraph().getNode(0));
        assertEquals(old.getOpsetImport(1), upgraded.getOpsetImport(1));
    }

    /** IR 3 lists initializers among the inputs; IR 4 and later would make them overridable, so they go. */
    @Test
    void irIsRaisedAndIr3InitializerInputsGo() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addInput(floats("w", 3, 2))
                .addOutput(floats("y", 2, 2)).addInitializer(OldModels.randomFloats("w", 1, 3, 2))
                .addNode(node("MatMul", new String[] {"x", "w"}, "y")).build();
        ModelProto old = OldModels.model(8, g);
        assertEquals(3, old.getIrVersion());
        ModelProto at13 = OpsetConverter.upgrade(old, 13);
        assertEquals(7, at13.getIrVersion());
        assertEquals(List.of("x"), at13.getGraph().getInputList().stream().map(v -> v.getName()).toList());
        assertEquals(3, OpsetConverter.upgrade(old, 8).getIrVersion());
        assertEquals(10, OpsetConverter.upgrade(old, 21).getIrVersion());
        Differential.assertSame(old, List.of(OldModels.randomFloats("x", 2, 2, 3)));
        // a newer IR is kept
        assertEquals(9, OpsetConverter.upgrade(old.toBuilder().setIrVersion(9).build(), 13).getIrVersion());
    }

    @Test
    void addedNamesNeverCollideAndConversionIsDeterministic() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3)).addOutput(floats("y", (long[]) null))
                .addOutput(floats("Squeeze_a/opset13/axes", (long[]) null))
                .addNode(node("Unsqueeze", new String[] {"x"}, "a").setName("Squeeze_a").addAttribute(ints("axes", 0)))
                .addNode(node("Squeeze", new String[] {"a"}, "y").setName("Squeeze_b").addAttribute(ints("axes", 0)))
                .addNode(node("Relu", new String[] {"x"}, "Squeeze_a/opset13/axes")).build();
        ModelProto old = OldModels.model(12, g);
        ModelProto upgraded = OpsetConverter.upgrade(old, 21);
        assertEquals("Squeeze_a/opset13/axes_1", upgraded.getGraph().getNode(1).getInput(1));
        assertTrue(java.util.Arrays.equals(upgraded.toByteArray(), OpsetConverter.upgrade(old, 21).toByteArray()));
        Differential.assertSame(old, List.of(OldModels.randomFloats("x", 2, 2, 3)));
    }

    @Test
    void versionsOutsideTheRange() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2)).addOutput(floats("y", 2))
                .addNode(node("Relu", new String[] {"x"}, "y")).build();
        assertEquals("the model uses op-set 5 of the default domain; qsvit converts from op-set 6 on",
                assertThrows(UserInputException.class, () -> OpsetConverter.upgrade(OldModels.model(5, g), 13)).getMessage());
        ModelProto at17 = OldModels.model(17, g);
        assertTrue(at17 == OpsetConverter.upgrade(at17, 13)); // never lowered
        assertThrows(IllegalArgumentException.class, () -> OpsetConverter.upgrade(at17, 22));
    }

    @Test
    void scanOfOpset8IsRefusedInOneLine() {
        GraphProto body = GraphProto.newBuilder().addInput(floats("s", 2)).addInput(floats("e", 2))
                .addOutput(floats("s2", 2)).addOutput(floats("e2", 2))
                .addNode(node("Add", new String[] {"s", "e"}, "s2")).addNode(node("Identity", new String[] {"s2"}, "e2")).build();
        GraphProto g = GraphProto.newBuilder().addInput(floats("init", 1, 2)).addInput(floats("seq", 1, 3, 2))
                .addOutput(floats("y", 1, 2)).addOutput(floats("z", 1, 3, 2))
                .addNode(node("Scan", new String[] {"", "init", "seq"}, "y", "z").setName("scan")
                        .addAttribute(graph("body", body)).addAttribute(i("num_scan_inputs", 1))).build();
        assertEquals("Scan at op-set 8 (node 'scan') cannot be raised to op-set 9: op-set 8 Scan loops over a batch "
                        + "axis (and per-entry sequence lengths) that op-set 9 Scan does not have",
                assertThrows(UserInputException.class, () -> OpsetConverter.upgrade(OldModels.model(8, g), 21)).getMessage());
    }
}
