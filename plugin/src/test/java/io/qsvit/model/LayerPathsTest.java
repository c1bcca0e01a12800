package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Paths from every exporter's naming, and the rules that hold over all of a model's layers. */
class LayerPathsTest {
    static NodeProto withScopes(NodeProto node, String scopes) {
        return node.toBuilder().addMetadataProps(StringStringEntryProto.newBuilder().setKey(LayerPaths.NAME_SCOPES)
                .setValue(scopes)).build();
    }

    static List<String> paths(GraphProto graph) {
        return LayerFinder.find(graph).stream().map(Layer::path).toList();
    }

    @Test
    void dynamoNameScopesGiveTheInnermostModule() {
        NodeProto q = withScopes(node("MatMul", "node_MatMul_12", new String[] {"x", "val_3"}, "q"),
                "['', 'blocks.0', 'blocks.0.attn', 'blocks.0.attn.q', 'blocks.0.attn.q.fc', 'linear']");
        NodeProto head = withScopes(node("Gemm", "node_Gemm_40", new String[] {"q", "val_4"}, "y"),
                "['', 'head', 'linear_12']");
        NodeProto root = withScopes(node("MatMul", "node_MatMul_41", new String[] {"y", "val_5"}, "z"), "['', 'matmul_3']");
        GraphProto graph = GraphProto.newBuilder().addInitializer(floats("val_3", 1, 4, 4)).addInitializer(floats("val_4", 2, 4, 4))
                .addInitializer(floats("val_5", 3, 4, 4)).addNode(q).addNode(head).addNode(root).build();
        List<Layer> layers = LayerFinder.find(graph);
        // the FX node names (linear, linear_12, matmul_3) are not modules: a layer at the root has no path there
        assertEquals(List.of("blocks.0.attn.q.fc", "head", "layer002"), layers.stream().map(Layer::path).toList());
        assertEquals(List.of(Layer.PathSource.NODE_METADATA, Layer.PathSource.NODE_METADATA, Layer.PathSource.FALLBACK),
                layers.stream().map(Layer::pathSource).toList());
        // one name per level, as other tools write scopes, are joined; a qualified one is not repeated
        assertEquals("encoder.layer.attn", LayerPaths.fromMetadata(withScopes(q, "['encoder', 'layer', 'attn']").toBuilder()
                .removeMetadataProps(0).build()));
        assertEquals("blocks.0.attn", LayerPaths.fromMetadata(withScopes(node("MatMul", "n", new String[0], "o"),
                "['blocks', 'blocks.0', 'attn']")));
        assertNull(LayerPaths.fromMetadata(withScopes(node("MatMul", "n", new String[0], "o"), "not a list")));
    }

    @Test
    void metadataWinsOverNodeAndWeightNames() {
        NodeProto node = withScopes(node("MatMul", "/encoder/MatMul", new String[] {"x", "encoder.fc.weight"}, "y"),
                "['', 'blocks.0', 'blocks.0.mlp', 'blocks.0.mlp.fc1', 'linear_4']");
        GraphProto graph = GraphProto.newBuilder().addInitializer(floats("encoder.fc.weight", 1, 4, 4)).addNode(node).build();
        assertEquals(List.of("blocks.0.mlp.fc1"), paths(graph));
    }

    @Test
    void torchScriptAndTensorFlowNodeNames() {
        assertEquals("stage3.block1.attn.q.conv", LayerPaths.fromNodeName("/stage3/block1/attn/q/conv/Conv"));
        assertEquals("blocks.0.attn.q", LayerPaths.fromNodeName("/blocks/blocks.0/attn/q/MatMul"));
        assertEquals("features.0.0", LayerPaths.fromNodeName("/features/features.0/features.0.0/Conv"));
        assertEquals("model.block1.conv2d", LayerPaths.fromNodeName("model/block1/conv2d/Conv2D"));
        assertEquals("StatefulPartitionedCall.model.dense_1", LayerPaths.fromNodeName("StatefulPartitionedCall/model/dense_1/MatMul"));
        assertNull(LayerPaths.fromNodeName("node_Conv_12"));
        assertNull(LayerPaths.fromNodeName("/Conv"));
        assertNull(LayerPaths.fromNodeName(""));
    }

    @Test
    void weightNames() {
        assertEquals("blocks.0.attn.q.fc", LayerPaths.fromTensorName("blocks.0.attn.q.fc.weight"));
        assertEquals("conv1", LayerPaths.fromTensorName("conv1.weight"));
        assertEquals("model.block1.conv2d", LayerPaths.fromTensorName("model/block1/conv2d/Conv2D/ReadVariableOp:0"));
        assertEquals("model.dense", LayerPaths.fromTensorName("model/dense/MatMul/ReadVariableOp:0"));
        assertEquals("dense", LayerPaths.fromTensorName("dense/kernel:0"));
        for (String generated : List.of("onnx::Conv_123", "val_12", "_val_3", "123", "node_Conv_1_output_0", "const_fold_opt__17")) {
            assertNull(LayerPaths.fromTensorName(generated), generated);
        }
    }

    /** Keras's model name heads every path: it names the model, not a part of it. */
    @Test
    void sharedLeadingSegmentsAreDropped() {
        GraphProto graph = GraphProto.newBuilder().addInitializer(floats("w1", 1, 4, 4)).addInitializer(floats("w2", 2, 4, 4))
                .addNode(node("MatMul", "StatefulPartitionedCall/model/block1/dense/MatMul", new String[] {"x", "w1"}, "a"))
                .addNode(node("MatMul", "StatefulPartitionedCall/model/head/MatMul", new String[] {"a", "w2"}, "y")).build();
        assertEquals(List.of("block1.dense", "head"), paths(graph));
        // a model of one layer keeps its path
        GraphProto one = GraphProto.newBuilder().addInitializer(floats("w1", 1, 4, 4))
                .addNode(node("MatMul", "model/dense/MatMul", new String[] {"x", "w1"}, "y")).build();
        assertEquals(List.of("model.dense"), paths(one));
    }

    @Test
    void repeatedPathsAreToldApartByTheirWeights() {
        GraphProto own = GraphProto.newBuilder().addInitializer(floats("attn.w_q", 1, 4, 4)).addInitializer(floats("attn.w_k", 2, 4, 4))
                .addNode(node("MatMul", "/attn/MatMul", new String[] {"x", "attn.w_q"}, "q"))
                .addNode(node("MatMul", "/attn/MatMul_1", new String[] {"x", "attn.w_k"}, "k")).build();
        assertEquals(List.of("attn.w_q", "attn.w_k"), paths(own));
        GraphProto anonymous = GraphProto.newBuilder().addInitializer(floats("onnx::MatMul_1", 1, 4, 4))
                .addInitializer(floats("onnx::MatMul_2", 2, 4, 4))
                .addNode(node("MatMul", "/attn/MatMul", new String[] {"x", "onnx::MatMul_1"}, "q"))
                .addNode(node("MatMul", "/attn/MatMul_1", new String[] {"x", "onnx::MatMul_2"}, "k")).build();
        assertEquals(List.of("attn", "attn_2"), paths(anonymous));
    }

    /** Unnamed graphs (Tribuo's test CNN, old exporters): layerNNN in graph node order, the same every time. */
    @Test
    void unnamedGraphsNumberLayersInNodeOrder() {
        GraphProto graph = GraphProto.newBuilder().addInitializer(floats("7", 1, 4, 1, 3, 3)).addInitializer(floats("8", 2, 4, 4))
                .addInitializer(floats("9", 3, 4, 2))
                .addNode(node("Conv", "", new String[] {"x", "7"}, "a")).addNode(node("Flatten", "", new String[] {"a"}, "f"))
                .addNode(node("Gemm", "", new String[] {"f", "8"}, "g")).addNode(node("Gemm", "", new String[] {"g", "9"}, "y")).build();
        assertEquals(List.of("layer000", "layer001", "layer002"), paths(graph));
        assertEquals(paths(graph), paths(graph.toBuilder().build()));
    }
}
