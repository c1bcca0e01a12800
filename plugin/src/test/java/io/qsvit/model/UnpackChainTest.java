package io.qsvit.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Packed codes: the Java layout against itself, and against ONNX Runtime running the unpack graph. */
class UnpackChainTest {
    @Property
    void packThenUnpackGivesTheCodesBack(@ForAll @IntRange(min = 2, max = 8) int bits,
                                         @ForAll @Size(max = 70) List<@IntRange(min = 0, max = 255) Integer> values) {
        int[] codes = values.stream().mapToInt(v -> v & ((1 << bits) - 1)).toArray();
        byte[] packed = PackedCodes.pack(codes, bits);
        assertEquals(PackedCodes.bytes(codes.length, bits), packed.length);
        assertArrayEquals(codes, PackedCodes.unpack(ByteBuffer.wrap(packed), codes.length, bits));
    }

    @Test
    void threeBitCodesCrossByteBoundariesLittleEndianFirst() {
        // codes 1..8 of 3 bits: bits 001 010 011 100 101 110 111 000 from bit 0 of byte 0 on
        byte[] packed = PackedCodes.pack(new int[] {1, 2, 3, 4, 5, 6, 7, 0}, 3);
        assertArrayEquals(new byte[] {(byte) 0xD1, (byte) 0x58, (byte) 0x1F}, packed);
    }

    @Test
    void codesThatDoNotFitAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PackedCodes.pack(new int[] {8}, 3));
    }

    /** For every width and counts that do and do not fill the last group: ONNX Runtime unpacks what Java packed. */
    @Test
    void onnxRuntimeUnpacksWhatJavaPacks() throws Exception {
        Random random = new Random(7);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int bits = 2; bits <= 7; bits++) {
            for (int count : new int[] {1, 7, 8, 9, 37, 4096}) {
                int[] codes = new int[count];
                for (int i = 0; i < count; i++) {
                    codes[i] = random.nextInt(1 << bits);
                }
                int[] dims = count == 4096 ? new int[] {16, 16, 4, 4} : new int[] {count};
                GraphProto graph = unpackGraph(codes, bits, dims);
                assertNotNull(recognised(graph), bits + " bits, " + count + " codes");
                byte[] model = TestGraphs.model(graph, 18).toByteArray();
                try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                     OrtSession.Result result = session.run(Map.of("x", OnnxTensor.createTensor(env, new float[] {0f})))) {
                    OnnxTensor unpacked = (OnnxTensor) result.get("codes").orElseThrow();
                    ByteBuffer bytes = unpacked.getByteBuffer();
                    int[] back = new int[count];
                    for (int i = 0; i < count; i++) {
                        back[i] = bytes.get(i) & 0xFF;
                    }
                    assertArrayEquals(codes, back, bits + " bits, " + count + " codes");
                    assertArrayEquals(java.util.Arrays.stream(dims).asLongStream().toArray(), unpacked.getInfo().getShape());
                }
            }
        }
    }

    @Test
    void aChainWithAnyConstantChangedIsNotRecognised() {
        GraphProto graph = unpackGraph(new int[] {1, 2, 3, 4, 5, 6, 7, 0, 1}, 3, new int[] {9});
        for (String name : List.of("qsvit/unpack/b3/shift", "qsvit/unpack/b3/low", "qsvit/unpack/b3/high", "qsvit/unpack/b3/mask",
                "codes.qunpack/count", "codes.qunpack/groups")) {
            GraphProto.Builder tampered = graph.toBuilder();
            for (int i = 0; i < tampered.getInitializerCount(); i++) {
                TensorProto t = tampered.getInitializer(i);
                if (t.getName().equals(name)) {
                    byte[] raw = t.getRawData().toByteArray();
                    raw[0] ^= 1;
                    tampered.setInitializer(i, t.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
                }
            }
            assertNull(recognised(tampered.build()), name);
        }
    }

    private static UnpackChain.Packed recognised(GraphProto graph) {
        Map<String, NodeProto> producers = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        return UnpackChain.recognise("codes", producers::get, initializers);
    }

    /** Packed codes and their unpack chain, the codes a graph output (x is an unused input ORT wants). */
    private static GraphProto unpackGraph(int[] codes, int bits, int[] dims) {
        Map<String, TensorProto> shared = new java.util.TreeMap<>();
        UnpackChain.Built built = UnpackChain.build("packed", "codes", bits, dims, shared);
        TensorProto packed = TensorProto.newBuilder().setName("packed").setDataType(TensorProto.DataType.UINT8_VALUE)
                .addDims(PackedCodes.bytes(codes.length, bits))
                .setRawData(com.google.protobuf.ByteString.copyFrom(PackedCodes.pack(codes, bits))).build();
        return GraphProto.newBuilder().setName("unpack").addInput(TestGraphs.floatValue("x", 1))
                .addOutput(ValueInfoProto.newBuilder().setName("codes").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.UINT8_VALUE))))
                .addInitializer(packed).addAllInitializer(built.tensors()).addAllInitializer(shared.values())
                .addAllNode(built.nodes()).build();
    }
}
