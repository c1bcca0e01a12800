package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Layer;
import io.qsvit.model.LayerFinder;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.qsvit.model.TestGraphs.floatValue;
import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.ints;
import static io.qsvit.model.TestGraphs.node;
import static io.qsvit.model.TestGraphs.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNormalization folded into every layout the fold supports, checked by running the original and the
 * prepared graph in ONNX Runtime on random inputs; and every case it must leave alone, with the reason.
 */
class BatchNormFoldingTest {
    /** The four BN parameters for c channels (variance positive), named prefix.{scale,bias,mean,var}. */
    static GraphProto.Builder withBatchNorm(GraphProto.Builder g, String prefix, int c, long seed) {
        float[] variance = OrtRuns.random(seed + 3, c);
        for (int i = 0; i < c; i++) {
            variance[i] = 0.2f + Math.abs(variance[i]);
        }
        return g.addInitializer(floats(prefix + ".scale", seed, c)).addInitializer(floats(prefix + ".bias", seed + 1, c))
                .addInitializer(floats(prefix + ".mean", seed + 2, c)).addInitializer(tensor(prefix + ".var", variance, c));
    }

    static NodeProto batchNorm(String name, String input, String output, String prefix) {
        return node("BatchNormalization", name, new String[] {input, prefix + ".scale", prefix + ".bias", prefix + ".mean",
                prefix + ".var"}, output, AttributeProto.newBuilder().setName("epsilon")
                .setType(AttributeProto.AttributeType.FLOAT).setF(1e-3f).build());
    }

    /** A float output whose shape the graph does not declare. */
    static ai.onnx.proto.OnnxMl.ValueInfoProto anyShape(String name) {
        return ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))).build();
    }

    static Preparation.Prepared prepare(ModelProto model) {
        return Preparation.prepare(new OnnxModel(model, Path.of("test.onnx")));
    }

    /** Folds, then checks the outputs agree and no BatchNormalization is left. */
    static Preparation.Prepared assertFolds(ModelProto model, long... inputShape) {
        Preparation.Prepared prepared = prepare(model);
        assertTrue(prepared.record().kept().isEmpty(), prepared.record().kept().toString());
        assertFalse(prepared.model().proto().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("BatchNormalization")), "a BatchNormalization is left");
        float[] input = OrtRuns.random(7, inputShape);
        float[] before = OrtRuns.run(model, "x", input, inputShape);
        float[] after = OrtRuns.run(prepared.model().proto(), "x", input, inputShape);
        double difference = OrtRuns.relativeDifference(before, after);
        assertTrue(difference < 1e-5, "outputs differ by " + difference);
        return prepared;
    }

    static ModelProto conv(boolean bias, int group) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 4, 6, 6)).addOutput(floatValue("y", -1, 6, 6, 6))
                .addInitializer(floats("conv.weight", 1, 6, 4 / group, 3, 3));
        if (bias) {
            g.addInitializer(floats("conv.bias", 2, 6));
        }
        withBatchNorm(g, "bn", 6, 10);
        g.addNode(node("Conv", "/conv/Conv", bias ? new String[] {"x", "conv.weight", "conv.bias"} : new String[] {"x", "conv.weight"},
                "c", ints("pads", 1, 1, 1, 1), integer("group", group)));
        g.addNode(batchNorm("/bn/BatchNormalization", "c", "y", "bn"));
        return TestGraphs.model(g.build(), 13);
    }

    @Test
    void convWithoutBiasGetsOne() {
        Preparation.Prepared p = assertFolds(conv(false, 1), 2, 4, 6, 6);
        PreparationRecord.Fold fold = p.record().folded().get(0);
        assertEquals(new PreparationRecord.Fold("/bn/BatchNormalization", "/conv/Conv", "Conv", true, false, "float"), fold);
        NodeProto conv = p.model().proto().getGraph().getNode(0);
        assertEquals(3, conv.getInputCount());
        assertEquals("y", conv.getOutput(0)); // the layer now writes what the BN wrote
        // the BN's statistics are gone from the file
        assertFalse(p.model().proto().getGraph().getInitializerList().stream().anyMatch(t -> t.getName().startsWith("bn.")));
    }

    @Test
    void groupedConvWithBias() {
        Preparation.Prepared p = assertFolds(conv(true, 2), 2, 4, 6, 6);
        assertFalse(p.record().folded().get(0).biasAdded());
    }

    @Test
    void groupedConvTranspose() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 4, 5, 5)).addOutput(floatValue("y", -1, 6, 10, 10))
                .addInitializer(floats("up.weight", 1, 4, 3, 2, 2)).addInitializer(floats("up.bias", 2, 6));
        withBatchNorm(g, "bn", 6, 20);
        g.addNode(node("ConvTranspose", "/up/ConvTranspose", new String[] {"x", "up.weight", "up.bias"}, "u",
                ints("strides", 2, 2), integer("group", 2)));
        g.addNode(batchNorm("/bn/BatchNormalization", "u", "y", "bn"));
        assertFolds(TestGraphs.model(g.build(), 13), 2, 4, 5, 5);
    }

    @Test
    void gemmWithAndWithoutC() {
        for (boolean transB : new boolean[] {true, false}) {
            for (boolean withC : new boolean[] {true, false}) {
                GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 8)).addOutput(floatValue("y", -1, 5))
                        .addInitializer(transB ? floats("fc.weight", 1, 5, 8) : floats("fc.weight", 1, 8, 5));
                if (withC) {
                    g.addInitializer(floats("fc.bias", 2, 1, 5));
                }
                withBatchNorm(g, "bn", 5, 30);
                g.addNode(node("Gemm", "/fc/Gemm", withC ? new String[] {"x", "fc.weight", "fc.bias"} : new String[] {"x", "fc.weight"},
                        "f", integer("transB", transB ? 1 : 0), AttributeProto.newBuilder().setName("beta")
                                .setType(AttributeProto.AttributeType.FLOAT).setF(withC ? 1f : 0.5f).build()));
                g.addNode(batchNorm("/bn/BatchNormalization", "f", "y", "bn"));
                assertFolds(TestGraphs.model(g.build(), 13), 3, 8);
            }
        }
    }

    @Test
    void matMulOnRank2GetsABiasAdd() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 8)).addOutput(floatValue("y", -1, 5))
                .addInitializer(floats("fc.weight", 1, 8, 5));
        withBatchNorm(g, "bn", 5, 40);
        g.addNode(node("MatMul", "/fc/MatMul", new String[] {"x", "fc.weight"}, "m"));
        g.addNode(batchNorm("/bn/BatchNormalization", "m", "y", "bn"));
        g.addValueInfo(floatValue("m", -1, 5)); // the rank tells which axis the BN normalises
        Preparation.Prepared p = assertFolds(TestGraphs.model(g.build(), 13), 3, 8);
        assertTrue(p.record().folded().get(0).biasAdded());
        assertEquals(List.of("MatMul", "Add"), p.model().proto().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    /** Spikformer's Linear + BatchNorm1d over tokens: MatMul(x, W^T) + b, Transpose(0, 2, 1), BN, Transpose back. */
    @Test
    void linearOverTokensThroughTranspose() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 7, 8)).addOutput(floatValue("y", -1, 7, 5))
                .addInitializer(floats("fc.weight", 1, 5, 8)).addInitializer(floats("fc.bias", 2, 5));
        withBatchNorm(g, "bn", 5, 50);
        g.addNode(node("Transpose", "/fc/Transpose", new String[] {"fc.weight"}, "wt", ints("perm", 1, 0)));
        g.addNode(node("MatMul", "/fc/MatMul", new String[] {"x", "wt"}, "m"));
        g.addNode(node("Add", "/fc/Add", new String[] {"fc.bias", "m"}, "a"));
        g.addNode(node("Transpose", "/t1", new String[] {"a"}, "t", ints("perm", 0, 2, 1)));
        g.addNode(batchNorm("/bn/BatchNormalization", "t", "n", "bn"));
        g.addNode(node("Transpose", "/t2", new String[] {"n"}, "y", ints("perm", 0, 2, 1)));
        Preparation.Prepared p = assertFolds(TestGraphs.model(g.build(), 13), 3, 7, 8);
        assertFalse(p.record().folded().get(0).biasAdded()); // folded into the Linear's own bias
        Layer layer = LayerFinder.find(p.model().proto().getGraph()).get(0);
        assertEquals("fc", layer.path());
        // the weight is stored as the MatMul reads it: [in, out], no Transpose left
        assertEquals(List.of(), layer.via());
        assertEquals(List.of(8, 5), java.util.Arrays.stream(layer.dims()).boxed().toList());
        assertEquals(1, p.record().laidOut());
    }

    @Test
    void weightOnTheLeft() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 8, 3)).addOutput(floatValue("y", -1, 5, 3))
                .addInitializer(floats("mix.weight", 1, 5, 8));
        withBatchNorm(g, "bn", 5, 60);
        g.addNode(node("MatMul", "/mix/MatMul", new String[] {"mix.weight", "x"}, "m"));
        g.addNode(batchNorm("/bn/BatchNormalization", "m", "y", "bn"));
        g.addValueInfo(floatValue("m", -1, 5, 3));
        assertFolds(TestGraphs.model(g.build(), 13), 2, 8, 3);
    }

    @Test
    void aSharedWeightIsCopiedForTheFoldedLayer() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 4, 5, 5)).addOutput(floatValue("y", -1, 4, 5, 5))
                .addInitializer(floats("shared.weight", 1, 4, 4, 1, 1));
        withBatchNorm(g, "bn", 4, 70);
        g.addNode(node("Conv", "/a/Conv", new String[] {"x", "shared.weight"}, "a"));
        g.addNode(batchNorm("/bn/BatchNormalization", "a", "n", "bn"));
        g.addNode(node("Conv", "/b/Conv", new String[] {"n", "shared.weight"}, "y")); // the same weight, no BN
        Preparation.Prepared p = assertFolds(TestGraphs.model(g.build(), 13), 2, 4, 5, 5);
        assertTrue(p.record().folded().get(0).weightCopied());
        List<Layer> layers = LayerFinder.find(p.model().proto().getGraph());
        assertEquals(2, layers.size()); // one stored weight each now
        assertEquals("shared.weight", layers.get(1).tensorName()); // the other layer keeps the original
    }

    @Test
    void constantNodeWeightsAndParameters() {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, 4, 6, 6)).addOutput(floatValue("y", -1, 6, 6, 6));
        withBatchNorm(g, "bn", 6, 80);
        g.addInitializer(floats("conv.weight", 1, 6, 4, 3, 3));
        GraphProto.Builder asConstants = GraphProto.newBuilder().addInput(g.getInput(0)).addOutput(g.getOutput(0));
        for (TensorProto t : g.getInitializerList()) {
            asConstants.addNode(node("Constant", "/const/" + t.getName(), new String[0], t.getName(),
                    AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(t.toBuilder().clearName()).build()));
        }
        asConstants.addNode(node("Conv", "/conv/Conv", new String[] {"x", "conv.weight"}, "c", ints("pads", 1, 1, 1, 1)));
        asConstants.addNode(batchNorm("/bn/BatchNormalization", "c", "y", "bn"));
        Preparation.Prepared p = assertFolds(TestGraphs.model(asConstants.build(), 13), 2, 4, 6, 6);
        assertTrue(LayerFinder.find(p.model().proto().getGraph()).get(0).fromConstant());
    }

    private static String keptReason(ModelProto model) {
        Preparation.Prepared p = prepare(model);
        assertTrue(p.record().folded().isEmpty(), p.record().folded().toString());
        assertEquals(model.getGraph(), p.model().proto().getGraph(), "a kept BatchNormalization leaves the graph as it was");
        return p.record().kept().get(0).reason();
    }

    @Test
    void keptWithTheReason() {
        ModelProto training = conv(false, 1).toBuilder().setGraph(conv(false, 1).getGraph().toBuilder()
                .setNode(1, conv(false, 1).getGraph().getNode(1).toBuilder().addAttribute(integer("training_mode", 1)))).build();
        assertEquals("training_mode is set: it normalises with the batch's statistics", keptReason(training));

        GraphProto readTwice = conv(false, 1).getGraph().toBuilder().addOutput(floatValue("c", -1, 6, 6, 6)).build();
        assertEquals("the value it normalises ('c') is also read elsewhere", keptReason(TestGraphs.model(readTwice, 13)));

        GraphProto.Builder tokens = GraphProto.newBuilder().addInput(floatValue("x", -1, 7, 8)).addOutput(floatValue("y", -1, 7, 5))
                .addInitializer(floats("fc.weight", 1, 8, 5));
        withBatchNorm(tokens, "bn", 7, 90);
        tokens.addNode(node("MatMul", "/fc/MatMul", new String[] {"x", "fc.weight"}, "m"));
        tokens.addNode(batchNorm("/bn/BatchNormalization", "m", "y", "bn"));
        tokens.addValueInfo(floatValue("m", -1, 7, 5));
        assertEquals("it normalises axis 1 of the MatMul's output, not its channels (axis 2)",
                keptReason(TestGraphs.model(tokens.build(), 13)));

        GraphProto.Builder relu = conv(false, 1).getGraph().toBuilder();
        relu.setNode(1, batchNorm("/bn/BatchNormalization", "r", "y", "bn")).addNode(1, node("Relu", "/relu", new String[] {"c"}, "r"));
        assertEquals("it follows Relu, not a weight layer", keptReason(TestGraphs.model(relu.build(), 13)));
    }

    /** Random channel counts, kernels, strides and groups: the fold never changes what the graph computes. */
    @Property(tries = 25)
    void convFoldsAreExact(@ForAll @IntRange(min = 1, max = 4) int groups, @ForAll @IntRange(min = 1, max = 3) int perGroupIn,
                           @ForAll @IntRange(min = 1, max = 3) int perGroupOut, @ForAll @IntRange(min = 1, max = 3) int kernel,
                           @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll boolean bias, @ForAll boolean transposed) {
        int in = groups * perGroupIn;
        int out = groups * perGroupOut;
        long seed = groups * 1000L + perGroupIn * 100L + perGroupOut * 10L + kernel;
        GraphProto.Builder g = GraphProto.newBuilder().addInput(floatValue("x", -1, in, 5, 5)).addOutput(anyShape("y"))
                .addInitializer(transposed ? floats("w", seed, in, perGroupOut, kernel, kernel) : floats("w", seed, out, perGroupIn, kernel, kernel))
                .addInitializer(floats("b", seed + 1, out));
        withBatchNorm(g, "bn", out, seed + 2);
        g.addNode(node(transposed ? "ConvTranspose" : "Conv", "/layer/Conv", bias ? new String[] {"x", "w", "b"} : new String[] {"x", "w"},
                "c", integer("group", groups), ints("strides", stride, stride)));
        g.addNode(batchNorm("/bn/BatchNormalization", "c", "y", "bn"));
        assertFolds(TestGraphs.model(g.build(), 13), 2, in, 5, 5);
    }
}
