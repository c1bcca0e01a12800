package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import io.qsvit.UserInputException;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Real artifacts' codes decoded by hand-computed examples, and the codes that cannot be decoded. */
class LayerWeightsTest {
    @TempDir
    Path dir;

    private static TensorProto tensor(String name, int type, int[] dims, int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto floats(String name, int[] dims, float... values) {
        return DequantizeForm.floats(name, dims, values);
    }

    /** The one layer of {@code x @ w}, w decoded by the graph's nodes. */
    private float[] decode(GraphProto.Builder graph) throws IOException {
        graph.addInput(TestGraphs.floatValue("x", -1, 2)).addOutput(TestGraphs.floatValue("y", -1, 2))
                .addNode(node("MatMul", "/fc/MatMul", new String[] {"x", "w"}, "y"));
        Path file = Files.write(dir.resolve("m.onnx"), TestGraphs.model(graph.build(), 21).toByteArray());
        ModelLayers model = ModelLayers.of(OnnxModel.load(file), Grouping.QSVIT);
        Layer layer = model.layers().get(0);
        assertEquals(true, layer.encoded());
        return LayerWeights.of(model.model()).floats(layer);
    }

    private static GraphProto.Builder dequantize(TensorProto codes, TensorProto scale, TensorProto zero, int axis) {
        GraphProto.Builder graph = GraphProto.newBuilder().addInitializer(codes).addInitializer(scale);
        String[] inputs = zero == null ? new String[] {"c", "s"} : new String[] {"c", "s", "z"};
        if (zero != null) {
            graph.addInitializer(zero);
        }
        return graph.addNode(axis < 0 ? node("DequantizeLinear", "", inputs, "w")
                : node("DequantizeLinear", "", inputs, "w", integer("axis", axis)));
    }

    @Test
    void signedFourBitCodesPerChannel() throws IOException {
        // codes -7, 3, 0 / 1, -1, 7: nibbles 9, 3, 0, 1, F, 7, low nibble first; scales 0.5 and 0.25 along axis 0
        TensorProto codes = tensor("c", DataType.INT4_VALUE, new int[] {2, 3}, 0x39, 0x10, 0x7F);
        float[] w = decode(dequantize(codes, floats("s", new int[] {2}, 0.5f, 0.25f), null, 0));
        assertArrayEquals(new float[] {-3.5f, 1.5f, 0f, 0.25f, -0.25f, 1.75f}, w);
    }

    @Test
    void unsignedEightBitCodesWithAZeroPoint() throws IOException {
        TensorProto codes = tensor("c", DataType.UINT8_VALUE, new int[] {2, 2}, 0, 128, 255, 10);
        float[] w = decode(dequantize(codes, floats("s", new int[0], 1f / 128), tensor("z", DataType.UINT8_VALUE, new int[0], 128), -1));
        assertArrayEquals(new float[] {-1f, 0f, 127f / 128, -118f / 128}, w);
    }

    private static GraphProto.Builder pow2(float[] table, int... codeBytes) {
        return GraphProto.newBuilder()
                .addInitializer(tensor("c", DataType.UINT4_VALUE, new int[] {2, 2}, codeBytes))
                .addInitializer(floats("one", new int[0], 1f))
                .addInitializer(floats("table", new int[] {table.length}, table))
                .addInitializer(floats("s", new int[] {2, 1}, 2f, 4f))
                .addNode(node("DequantizeLinear", "", new String[] {"c", "one"}, "index_f"))
                .addNode(node("Cast", "", new String[] {"index_f"}, "index", integer("to", DataType.INT64_VALUE)))
                .addNode(node("Gather", "", new String[] {"table", "index"}, "unit"))
                .addNode(node("Mul", "", new String[] {"unit", "s"}, "w"));
    }

    @Test
    void pow2CodesIndexTheLevels() throws IOException {
        // 3-bit levels -1, -1/2, -1/4, 0, 1/4, 1/2, 1; codes 0, 3 / 6, 4; rows scaled by 2 and 4
        assertArrayEquals(new float[] {-2f, 0f, 4f, 1f}, decode(pow2(Pow2Levels.table(3), 0x30, 0x46)));
    }

    @Test
    void codesThatDoNotDecodeAsQsvitWroteThemAreRefused() {
        Path file = dir.resolve("m.onnx");
        float[] notLevels = {-1f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f};
        assertEquals(file + ": weight 'w' is decoded from a table of 7 levels that are not the 3-bit power-of-two levels",
                assertThrows(UserInputException.class, () -> decode(pow2(notLevels, 0x30, 0x46))).getMessage());
        assertEquals(file + ": weight 'w' has code 7 at element 1, past its 7 power-of-two levels",
                assertThrows(UserInputException.class, () -> decode(pow2(Pow2Levels.table(3), 0x70, 0x46))).getMessage());
        TensorProto typed = TensorProto.newBuilder().setName("c").setDataType(DataType.INT8_VALUE).addDims(2).addDims(2)
                .addInt32Data(1).addInt32Data(2).addInt32Data(3).addInt32Data(4).build();
        assertEquals(file + ": codes 'c' are not in raw or external data, the forms qsvit writes",
                assertThrows(UserInputException.class, () -> decode(dequantize(typed, floats("s", new int[0], 1f), null, -1))).getMessage());
        TensorProto short_ = tensor("c", DataType.INT8_VALUE, new int[] {2, 2}, 1, 2, 3);
        assertEquals("tensor 'c' has 3 bytes of data where its type and shape need 4",
                assertThrows(UserInputException.class, () -> decode(dequantize(short_, floats("s", new int[0], 1f), null, -1))).getMessage());
    }
}
