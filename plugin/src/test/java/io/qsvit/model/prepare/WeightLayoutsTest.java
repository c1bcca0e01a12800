package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Layer;
import io.qsvit.model.LayerFinder;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.qsvit.model.TestGraphs.floatValue;
import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.ints;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Weights stored as their layer reads them: the same outputs, no layout operator left between. */
class WeightLayoutsTest {
    static TensorProto int64s(String name, long... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length)
                .setRawData(com.google.protobuf.ByteString.copyFrom(b.array())).build();
    }

    @Test
    void transposeIdentityAndReshapeAreFoldedIntoTheWeight() {
        GraphProto graph = GraphProto.newBuilder().addInput(floatValue("x", -1, 6)).addOutput(floatValue("y", -1, 4))
                .addInitializer(floats("fc.weight", 1, 4, 2, 3)).addInitializer(int64s("shape", 4, -1))
                .addNode(node("Reshape", "/fc/Reshape", new String[] {"fc.weight", "shape"}, "r"))
                .addNode(node("Identity", "/fc/Identity", new String[] {"r"}, "i"))
                .addNode(node("Transpose", "/fc/Transpose", new String[] {"i"}, "t", ints("perm", 1, 0)))
                .addNode(node("MatMul", "/fc/MatMul", new String[] {"x", "t"}, "y")).build();
        ModelProto model = TestGraphs.model(graph, 13);
        Preparation.Prepared p = BatchNormFoldingTest.prepare(model);
        assertEquals(1, p.record().laidOut());
        assertEquals(List.of("MatMul"), p.model().proto().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        Layer layer = LayerFinder.find(p.model().proto().getGraph()).get(0);
        assertEquals("fc", layer.path()); // the stored tensor keeps its name, so its path
        assertArrayEquals(new int[] {6, 4}, layer.dims());
        assertEquals(1, layer.channelAxis()); // behind the Reshape it was unknown; per-channel scales are possible now
        float[] input = OrtRuns.random(3, 5, 6);
        assertArrayEquals(OrtRuns.run(model, "x", input, 5, 6), OrtRuns.run(p.model().proto(), "x", input, 5, 6));
    }

    @Test
    void castsStayAndASharedWeightIsLeftAlone() {
        GraphProto graph = GraphProto.newBuilder().addInput(floatValue("x", -1, 3)).addOutput(floatValue("y", -1, 3))
                .addOutput(floatValue("z", -1, 3))
                .addInitializer(floats("w", 1, 3, 3)).addInitializer(floats("tied", 2, 3, 3))
                .addNode(node("Cast", "/w/Cast", new String[] {"w"}, "wc", integer("to", 1)))
                .addNode(node("Transpose", "/w/Transpose", new String[] {"wc"}, "wt", ints("perm", 1, 0)))
                .addNode(node("MatMul", "/a/MatMul", new String[] {"x", "wt"}, "y"))
                .addNode(node("Transpose", "/tied/Transpose", new String[] {"tied"}, "tt", ints("perm", 1, 0)))
                .addNode(node("MatMul", "/b/MatMul", new String[] {"x", "tt"}, "b"))
                .addNode(node("MatMul", "/c/MatMul", new String[] {"b", "tied"}, "z")).build(); // tied: read twice
        ModelProto model = TestGraphs.model(graph, 13);
        Preparation.Prepared p = BatchNormFoldingTest.prepare(model);
        assertEquals(1, p.record().laidOut());
        List<String> ops = p.model().proto().getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(List.of("Cast", "MatMul", "Transpose", "MatMul", "MatMul"), ops);
        float[] input = OrtRuns.random(4, 2, 3);
        assertArrayEquals(OrtRuns.run(model, "x", input, 2, 3), OrtRuns.run(p.model().proto(), "x", input, 2, 3));
    }

    @Test
    void transposeMatchesTheDefinition() {
        double[] values = new double[24];
        Arrays.setAll(values, i -> i);
        double[] t = WeightLayouts.transpose(values, new long[] {2, 3, 4}, new long[] {2, 0, 1}); // out [4, 2, 3]
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(values[a * 12 + b * 4 + c], t[c * 6 + a * 3 + b]);
                }
            }
        }
        assertArrayEquals(new long[] {2, 12}, WeightLayouts.reshape(new long[] {2, 3, 4}, new long[] {0, -1}, false));
        assertArrayEquals(new long[] {0, 12}, WeightLayouts.reshape(new long[] {0, 3, 4}, new long[] {0, 12}, true));
    }
}
