package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.ints;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kinds read from the structure of graphs whose names say nothing, or say something else. */
class LayerKindsTest {
    static List<String> kinds(GraphProto graph) {
        List<Layer> layers = LayerKinds.assign(graph, LayerFinder.find(graph));
        return layers.stream().map(l -> l.path() + " " + l.kind().kind().id() + " " + l.kind().source().id()).toList();
    }

    /**
     * A transformer block named by nobody (a0..a6): the stride-2 stem, Q/K/V from the tokens, Q K^T and its
     * product with V (two MatMuls of activations, a Reshape sized from the stem's output on the way), the
     * projection, a 1x1 expansion pair, and the classifier.
     */
    static GraphProto anonymousTransformer() {
        return GraphProto.newBuilder().addOutput(TestGraphs.floatValue("y", -1, 10))
                .addInitializer(floats("w0", 0, 8, 3, 2, 2)).addInitializer(floats("w1", 1, 8, 8))
                .addInitializer(floats("w2", 2, 8, 8)).addInitializer(floats("w3", 3, 8, 8)).addInitializer(floats("w4", 4, 8, 8))
                .addInitializer(floats("w5", 5, 8, 32)).addInitializer(floats("w6", 6, 32, 8)).addInitializer(floats("w7", 7, 8, 10))
                .addNode(node("Conv", "a0/Conv", new String[] {"x", "w0"}, "s", ints("strides", 2, 2), ints("kernel_shape", 2, 2)))
                .addNode(node("Shape", "a0/Shape", new String[] {"s"}, "shape"))
                .addNode(node("Flatten", "a0/Flatten", new String[] {"s"}, "t0"))
                .addNode(node("Reshape", "a0/Reshape", new String[] {"t0", "shape"}, "t")) // sized from the stem
                .addNode(node("MatMul", "a1/MatMul", new String[] {"t", "w1"}, "q"))
                .addNode(node("MatMul", "a2/MatMul", new String[] {"t", "w2"}, "k"))
                .addNode(node("MatMul", "a3/MatMul", new String[] {"t", "w3"}, "v"))
                .addNode(node("Transpose", "att/Transpose", new String[] {"k"}, "kt"))
                .addNode(node("MatMul", "att/MatMul", new String[] {"q", "kt"}, "scores"))
                .addNode(node("MatMul", "att/MatMul_1", new String[] {"scores", "v"}, "mixed"))
                .addNode(node("MatMul", "a4/MatMul", new String[] {"mixed", "w4"}, "o"))
                .addNode(node("Add", "res/Add", new String[] {"o", "t"}, "r"))
                .addNode(node("MatMul", "a5/MatMul", new String[] {"r", "w5"}, "h"))
                .addNode(node("GreaterOrEqual", "lif/GreaterOrEqual", new String[] {"h", "threshold"}, "fire"))
                .addNode(node("Cast", "lif/Cast", new String[] {"fire"}, "spikes", integer("to", 1)))
                .addNode(node("MatMul", "a6/MatMul", new String[] {"spikes", "w6"}, "m"))
                .addNode(node("ReduceMean", "pool/ReduceMean", new String[] {"m"}, "pooled", ints("axes", 1)))
                .addNode(node("MatMul", "a7/MatMul", new String[] {"pooled", "w7"}, "y"))
                .build();
    }

    @Test
    void kindsFromStructureWhateverTheNames() {
        assertEquals(List.of("a0 downsample structure", "a1 attention structure", "a2 attention structure",
                        "a3 attention structure", "a4 attention structure", "a5 mlp structure", "a6 mlp structure",
                        "a7 head structure"),
                kinds(anonymousTransformer()));
    }

    /** The case: a stride-2 stem whose module is called block1 is downsampling, not a conv block. */
    @Test
    void structureOverridesMisleadingNames() {
        GraphProto graph = GraphProto.newBuilder().addOutput(TestGraphs.floatValue("y", -1, 4))
                .addInitializer(floats("w0", 0, 4, 1, 3, 3)).addInitializer(floats("w1", 1, 4, 4, 3, 3))
                .addInitializer(floats("w2", 2, 4, 4, 3, 3)).addInitializer(floats("w3", 3, 4, 4))
                .addNode(node("Conv", "/block1/conv/Conv", new String[] {"x", "w0"}, "a", ints("strides", 2, 2)))
                .addNode(node("Conv", "/attn/conv/Conv", new String[] {"a", "w1"}, "b"))
                .addNode(node("MaxPool", "/pool/MaxPool", new String[] {"b"}, "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2)))
                .addNode(node("Conv", "/head_like/conv/Conv", new String[] {"p", "w2"}, "c"))
                .addNode(node("GlobalAveragePool", "/gap", new String[] {"c"}, "g"))
                .addNode(node("Flatten", "/flatten", new String[] {"g"}, "f"))
                .addNode(node("MatMul", "/classifier/MatMul", new String[] {"f", "w3"}, "y"))
                .build();
        // attn.conv: pooled before the next layer; head_like.conv: a global pool is not downsampling, and no
        // structure speaks, so its name gives head; the classifier feeds the output
        assertEquals(List.of("block1.conv downsample structure", "attn.conv downsample structure",
                "head_like.conv head name", "classifier head structure"), kinds(graph));
    }

    @Test
    void namesOnlyWhereStructureIsSilent() {
        GraphProto graph = GraphProto.newBuilder().addOutput(TestGraphs.floatValue("y", -1, 4))
                .addInitializer(floats("w0", 0, 4, 4, 3, 3)).addInitializer(floats("w1", 1, 4, 4, 3, 3))
                .addInitializer(floats("w2", 2, 4, 4, 3, 3)).addInitializer(floats("w3", 3, 4, 4))
                .addNode(node("Conv", "/patch_embed/Conv", new String[] {"x", "w0"}, "a"))
                .addNode(node("Conv", "/stage1/conv/Conv", new String[] {"a", "w1"}, "b"))
                .addNode(node("MatMul", "/stage1/mix/MatMul", new String[] {"b", "w3"}, "c"))
                .addNode(node("Conv", "/out/Conv", new String[] {"c", "w2"}, "y"))
                .build();
        assertEquals(List.of("patch_embed downsample name", "stage1.conv conv-block operator", "stage1.mix other operator",
                "out head structure"), kinds(graph));
    }

    @Test
    void groupsTakeTheirKindFromTheirLayersAndSayWhence() {
        ModelLayers model = new ModelLayers(null, LayerKinds.assign(anonymousTransformer(), LayerFinder.find(anonymousTransformer())), List.of());
        List<Group> groups = Grouping.by(Granularity.LAYER).apply(model.layers());
        assertEquals(Layer.KindSource.STRUCTURE, groups.get(0).kindSource());
        List<Group> ruled = Grouping.of(Granularity.LAYER, List.of(GroupRule.of("a[56]", "ffn", GroupKind.OTHER))).apply(model.layers());
        Group ffn = ruled.stream().filter(g -> g.name().equals("ffn")).findFirst().orElseThrow();
        assertEquals(GroupKind.OTHER, ffn.kind());
        assertEquals(Layer.KindSource.RULE, ffn.kindSource());
    }
}
