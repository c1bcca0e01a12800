package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.ints;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Weights behind the decode nodes of real artifacts, recognised and removed, in hand-built graphs. */
class DecodeChainsTest {
    /** A code tensor of zeros: recognition looks at types and shapes only. */
    static TensorProto codes(String name, int type, int... dims) {
        long n = TensorShapes.elements(dims);
        int bytes = (int) (type == DataType.INT4_VALUE || type == DataType.UINT4_VALUE ? (n + 1) / 2 : n);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(new byte[bytes]));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE).addFloatData(value).build();
    }

    /** The pow2 decode of {@code w}: DequantizeLinear(codes, one) -> Cast -> Gather(table) -> Mul(scale). */
    static GraphProto.Builder pow2(GraphProto.Builder graph, String w, float one, int levels, int... scaleDims) {
        return graph.addInitializer(codes(w + ".qcodes", DataType.UINT4_VALUE, 6, 4))
                .addInitializer(scalar(w + ".qone", one))
                .addInitializer(floats(w + ".qtable", 1, levels))
                .addInitializer(floats(w + ".qscale", 2, scaleDims))
                .addNode(node("DequantizeLinear", "", new String[] {w + ".qcodes", w + ".qone"}, w + ".qindex_f"))
                .addNode(node("Cast", "", new String[] {w + ".qindex_f"}, w + ".qindex", integer("to", DataType.INT64_VALUE)))
                .addNode(node("Gather", "", new String[] {w + ".qtable", w + ".qindex"}, w + ".qunit"))
                .addNode(node("Mul", "", new String[] {w + ".qunit", w + ".qscale"}, w));
    }

    @Test
    void uniformCodesAreTheFloatModelsLayerBehindTheSameTranspose() {
        // codes [4,8] -> DequantizeLinear(axis 0) -> Transpose -> MatMul: stored rows are the output channels
        GraphProto graph = GraphProto.newBuilder()
                .addInitializer(codes("fc.weight.qcodes", DataType.UINT8_VALUE, 4, 8))
                .addInitializer(floats("fc.weight.qscale", 1, 4))
                .addInitializer(codes("fc.weight.qzero", DataType.UINT8_VALUE, 4))
                .addNode(node("DequantizeLinear", "qsvit/dequantize/fc.weight",
                        new String[] {"fc.weight.qcodes", "fc.weight.qscale", "fc.weight.qzero"}, "fc.weight", integer("axis", 0)))
                .addNode(node("Transpose", "", new String[] {"fc.weight"}, "wt", ints("perm", 1, 0)))
                .addNode(node("MatMul", "", new String[] {"x", "wt"}, "y"))
                .build();
        Layer layer = LayerFinder.find(graph).get(0);
        assertEquals("fc", layer.path());
        assertEquals("fc.weight", layer.tensorName());
        assertArrayEquals(new int[] {4, 8}, layer.dims());
        assertEquals(0, layer.channelAxis());
        assertEquals(List.of("Transpose"), layer.via());
        assertFalse(layer.fromConstant());
        assertEquals(new WeightEncoding("fc.weight.qcodes", 0, new int[] {4, 8}, "fc.weight.qscale", "fc.weight.qzero", "", 0,
                List.of("fc.weight"), false, null),
                layer.encoding());
    }

    @Test
    void pow2CodesAreFollowedThroughGather() {
        GraphProto graph = pow2(GraphProto.newBuilder(), "conv.weight", 1f, 15, 6, 1)
                .addNode(node("Gemm", "/head/Gemm", new String[] {"x", "conv.weight"}, "y", integer("transB", 1)))
                .build();
        Layer layer = LayerFinder.find(graph).get(0);
        assertEquals("head", layer.path());
        assertArrayEquals(new int[] {6, 4}, layer.dims());
        assertTrue(layer.encoding().pow2());
        assertEquals(0, layer.encoding().scaleAxis());
        assertEquals(List.of("conv.weight.qindex_f", "conv.weight.qindex", "conv.weight.qunit", "conv.weight"),
                layer.encoding().decodeOutputs());
        GraphProto perTensor = pow2(GraphProto.newBuilder(), "w", 1f, 7).addNode(node("MatMul", "", new String[] {"x", "w"}, "y")).build();
        assertEquals(-1, LayerFinder.find(perTensor).get(0).encoding().scaleAxis());
    }

    @Test
    void decodesQsvitDoesNotWriteAreNotWeights() {
        List<GraphProto.Builder> others = List.of(
                dequantize(codes("c", DataType.FLOAT8E4M3FN_VALUE, 4, 4), floats("s", 1)), // float8 codes
                dequantize(codes("c", DataType.INT8_VALUE, 4, 4), floats("s", 1, 4), codes("z", DataType.INT8_VALUE, 4)), // signed with zero point
                dequantize(codes("c", DataType.INT8_VALUE, 4, 4), floats("s", 1, 4)), // per-axis on the default axis 1: a weight
                pow2(GraphProto.newBuilder(), "w", 2f, 15),  // index scale not 1
                pow2(GraphProto.newBuilder(), "w", 1f, 16),  // not 2^b - 1 levels
                pow2(GraphProto.newBuilder(), "w", 1f, 15, 6, 4)); // scale varies along two axes
        List<Integer> found = others.stream()
                .map(g -> LayerFinder.find(g.addNode(node("MatMul", "", new String[] {"x", "w"}, "y")).build()).size()).toList();
        assertEquals(List.of(0, 0, 1, 0, 0, 0), found);
        GraphProto.Builder blocked = dequantize(codes("c", DataType.INT8_VALUE, 4, 4), floats("s", 1, 4));
        blocked.setNode(0, blocked.getNode(0).toBuilder().addAttribute(integer("block_size", 2)));
        assertEquals(0, LayerFinder.find(blocked.addNode(node("MatMul", "", new String[] {"x", "w"}, "y")).build()).size());
    }

    private static GraphProto.Builder dequantize(TensorProto... inputs) {
        GraphProto.Builder graph = GraphProto.newBuilder();
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").addOutput("w");
        for (TensorProto t : inputs) {
            graph.addInitializer(t);
            dq.addInput(t.getName());
        }
        return graph.addNode(dq);
    }

    @Test
    void removingADecodeKeepsTensorsOthersRead() {
        GraphProto.Builder graph = pow2(GraphProto.newBuilder(), "w", 1f, 15, 6, 1)
                .addNode(node("MatMul", "", new String[] {"x", "w"}, "y"))
                .addNode(node("Mul", "", new String[] {"y", "w.qtable"}, "z")); // the table, read elsewhere too
        DecodeChains.remove(graph, LayerFinder.find(graph.build()));
        assertEquals(List.of("MatMul", "Mul"), graph.getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(List.of("w.qtable"), graph.getInitializerList().stream().map(TensorProto::getName).toList());
    }
}
