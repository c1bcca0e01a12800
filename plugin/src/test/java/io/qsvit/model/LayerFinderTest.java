package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.ints;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerFinderTest {
    @Test
    void findsWeightsBehindTransposeAndRespectsTransB() {
        List<Layer> layers = LayerFinder.find(TestGraphs.mlp().getGraph());
        assertEquals(2, layers.size());
        Layer fc = layers.get(0);
        assertEquals("encoder.fc", fc.path());
        assertEquals(Layer.PathSource.INITIALIZER_NAME, fc.pathSource());
        assertEquals(List.of("Transpose"), fc.via());
        assertEquals(0, fc.channelAxis()); // stored [4,8]; MatMul sees [8,4], columns = stored rows
        Layer head = layers.get(1);
        assertEquals("head", head.path());
        assertEquals(0, head.channelAxis()); // Gemm transB=1: B is [N, K]
        assertEquals(12, head.params());
    }

    @Test
    void channelAxesOfEveryConsumer() {
        GraphProto graph = GraphProto.newBuilder()
                .addInitializer(floats("conv_w", 1, 6, 3, 3, 3))
                .addInitializer(floats("deconv_w", 2, 6, 4, 2, 2))
                .addInitializer(floats("gemm_w", 3, 5, 7))
                .addInitializer(floats("left_w", 4, 9, 5))
                .addInitializer(floats("reshaped_w", 5, 2, 8))
                .addNode(node("Conv", "/stem/conv/Conv", new String[] {"x", "conv_w"}, "a"))
                .addNode(node("ConvTranspose", "/up/ConvTranspose", new String[] {"a", "deconv_w"}, "b"))
                .addNode(node("Gemm", "/fc/Gemm", new String[] {"b", "gemm_w"}, "c"))
                .addNode(node("Constant", "/const", new String[0], "const_w",
                        AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(floats("", 6, 7, 4)).build()))
                .addNode(node("Cast", "/cast", new String[] {"const_w"}, "const_cast", integer("to", 1)))
                .addNode(node("MatMul", "/proj/MatMul", new String[] {"c", "const_cast"}, "d"))
                .addNode(node("MatMul", "/mix/MatMul", new String[] {"left_w", "d"}, "e"))
                .addNode(node("Reshape", "/r", new String[] {"reshaped_w", "shape"}, "rw"))
                .addNode(node("MatMul", "/last/MatMul", new String[] {"e", "rw"}, "f"))
                .addNode(node("MatMul", "/act/MatMul", new String[] {"e", "f"}, "g")) // two activations: no weight
                .build();
        List<Layer> layers = LayerFinder.find(graph);
        assertEquals(List.of("stem.conv", "up", "fc", "proj", "mix", "last"), layers.stream().map(Layer::path).toList());
        assertArrayEquals(new int[] {0, 1, 1, 1, 0, -1}, layers.stream().mapToInt(Layer::channelAxis).toArray());
        Layer constant = layers.get(3);
        assertTrue(constant.fromConstant());
        assertEquals(List.of("Cast"), constant.via());
        assertEquals(0, layers.get(4).weightInput());
    }

    @Test
    void sharedWeightIsOneLayer() {
        GraphProto graph = GraphProto.newBuilder()
                .addInitializer(floats("tied.weight", 1, 4, 4))
                .addNode(node("MatMul", "", new String[] {"x", "tied.weight"}, "a"))
                .addNode(node("MatMul", "", new String[] {"a", "tied.weight"}, "b"))
                .build();
        assertEquals(1, LayerFinder.find(graph).size());
    }

    @Test
    void unnamedGraphsFallBackToTheLayerIndex() {
        GraphProto graph = GraphProto.newBuilder()
                .addInitializer(floats("onnx::Conv_7", 1, 4, 1, 3, 3))
                .addInitializer(floats("onnx::MatMul_9", 2, 4, 2))
                .addNode(node("Conv", "", new String[] {"x", "onnx::Conv_7"}, "a"))
                .addNode(node("MatMul", "MatMul_3", new String[] {"a", "onnx::MatMul_9"}, "b"))
                .build();
        List<Layer> layers = LayerFinder.find(graph);
        assertEquals(List.of("layer000", "layer001"), layers.stream().map(Layer::path).toList());
        assertEquals(Layer.PathSource.FALLBACK, layers.get(0).pathSource());
    }

    @Test
    void repeatedPathsAreMadeUnique() {
        GraphProto graph = GraphProto.newBuilder()
                .addInitializer(floats("onnx::MatMul_1", 1, 4, 4))
                .addInitializer(floats("onnx::MatMul_2", 2, 4, 4))
                .addNode(node("MatMul", "/attn/MatMul", new String[] {"x", "onnx::MatMul_1"}, "a"))
                .addNode(node("MatMul", "/attn/MatMul_1", new String[] {"a", "onnx::MatMul_2"}, "b"))
                .build();
        assertEquals(List.of("attn", "attn_2"), LayerFinder.find(graph).stream().map(Layer::path).toList());
    }

    @Test
    void nodeMetadataNameScopesAreUsedWhenNamesSayNothing() {
        NodeProto matmul = node("MatMul", "node_MatMul_0", new String[] {"x", "_val_3"}, "y").toBuilder()
                .addMetadataProps(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey(LayerPaths.NAME_SCOPES).setValue("['', 'blocks.0', 'blocks.0.attn', 'blocks.0.attn.q', 'linear_3']"))
                .build();
        GraphProto graph = GraphProto.newBuilder().addInitializer(floats("_val_3", 1, 4, 4)).addNode(matmul).build();
        Layer layer = LayerFinder.find(graph).get(0);
        assertEquals("blocks.0.attn.q", layer.path());
        assertEquals(Layer.PathSource.NODE_METADATA, layer.pathSource());
    }

    @Test
    void torchScriptNodeNamesBecomeModulePaths() {
        assertEquals("stage3.block1.attn.q.conv", LayerPaths.fromNodeName("/stage3/block1/attn/q/conv/Conv"));
        assertEquals("blocks.0.attn.q", LayerPaths.fromNodeName("/blocks/blocks.0/attn/q/MatMul"));
        assertEquals("stage3.1.attn", LayerPaths.fromNodeName("/stage3/stage3.1/attn/MatMul_2"));
        assertEquals(null, LayerPaths.fromNodeName("node_Conv_12"));
        assertEquals(null, LayerPaths.fromNodeName("/Conv"));
        assertEquals("blocks.0.attn.q.fc", LayerPaths.fromTensorName("blocks.0.attn.q.fc.weight"));
        assertEquals(null, LayerPaths.fromTensorName("onnx::Conv_123"));
    }

    @Test
    void groupingAndKinds() {
        List<Layer> layers = List.of(layer("stage1.downsample.conv", "Conv"), layer("stage1.block1.sepconv.pw1.conv", "Conv"),
                layer("stage3.block1.attn.q.conv", "Conv"), layer("stage3.block1.mlp.fc1.conv", "Conv"),
                layer("blocks.0.mlp.fc1", "MatMul"), layer("head", "Gemm"));
        List<Group> groups = Grouping.QSVIT.apply(layers);
        assertEquals(List.of("stage1.downsample", "stage1.block1", "stage3.block1", "blocks.0", "head"),
                groups.stream().map(Group::name).toList());
        assertEquals(List.of(GroupKind.DOWNSAMPLE, GroupKind.CONV_BLOCK, GroupKind.ATTENTION, GroupKind.MLP, GroupKind.HEAD),
                groups.stream().map(Group::kind).toList());
        assertEquals(List.of("stage1", "stage3", "blocks", "head"),
                Grouping.by(Granularity.STAGE).apply(layers).stream().map(Group::name).toList());
        Grouping rules = Grouping.of(Granularity.LAYER, List.of(GroupRule.of("stage(\\d)\\..*\\.attn\\..*", "attention$1", null),
                GroupRule.of(".*mlp.*", "mlps", GroupKind.OTHER)));
        List<Group> ruled = rules.apply(layers);
        assertEquals(List.of("stage1.downsample.conv", "stage1.block1.sepconv.pw1.conv", "attention3", "mlps", "head"),
                ruled.stream().map(Group::name).toList());
        assertEquals(GroupKind.OTHER, ruled.get(3).kind());
        assertEquals(2, ruled.get(3).layers().size());
    }

    private static Layer layer(String path, String op) {
        return new Layer(0, path, Layer.PathSource.NODE_NAME, path + ".weight", false, path, op, 1, "x", path + ".out",
                new int[] {4, 4}, 0, List.of(), null, nameKind(path, op));
    }

    /** The kind a layer's name suggests, as LayerKinds gives a layer the structure says nothing about. */
    private static Layer.Kind nameKind(String path, String op) {
        GroupKind named = GroupKind.fromName(path);
        return named != null ? new Layer.Kind(named, Layer.KindSource.NAME, null)
                : new Layer.Kind(op.startsWith("Conv") ? GroupKind.CONV_BLOCK : GroupKind.OTHER, Layer.KindSource.OPERATOR, null);
    }

    @Test
    void aRuleThatBacktracksWithoutEndIsStoppedWithOneLine() {
        // (.*x){25}y against 28 x's tries every split of them into 25 parts before it fails (26 s unguarded here)
        GroupRule evil = GroupRule.of("(.*x){25}y", "g", null);
        String longPath = "x".repeat(28) + "!";
        long start = System.nanoTime();
        io.qsvit.UserInputException e = org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class,
                () -> evil.groupOf(longPath));
        assertTrue((System.nanoTime() - start) / 1e9 < 3, "stopped near its 1 s deadline");
        assertEquals("grouping rule '(.*x){25}y' takes over 1 s to match path '" + longPath + "'; simplify it", e.getMessage());
        assertEquals("g", GroupRule.of("(x+)y", "g", null).groupOf("xxy"), "a rule that matches quickly is unaffected");
        assertEquals("grouping rule 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is 1001 characters long; rules of at most 1000 are read",
                org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class,
                        () -> GroupRule.of("x".repeat(1001), "g", null)).getMessage());
    }
}
