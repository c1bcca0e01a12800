package io.qsvit.quant;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-packed ONNX raw_data for each container. */
class PackedCodesTest {
    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] packed(String scheme, float... w) {
        return Quantizer.quantize(w, new int[] {w.length}, -1, Scheme.parse(scheme)).packedCodes();
    }

    @Test
    void int4PacksTwoCodesPerByteLowNibbleFirstWithAZeroPad() {
        // codes -7, -3, 0, 2, 7 (see UniformQuantizationTest): nibbles 9, D, 0, 2, 7
        assertArrayEquals(bytes(0xD9, 0x20, 0x07), packed("uniform4-tensor", -1f, -0.5f, 0f, 0.25f, 1f));
    }

    @Test
    void uint4PacksUnsignedNibbles() {
        // codes 0, 1, 2, 3, 4, 7 (see UniformQuantizationTest)
        assertArrayEquals(bytes(0x10, 0x32, 0x74), packed("uniform3-asym", -1f, -0.3f, 0f, 0.7f, 1.25f, 2.5f));
        // pow2 codes 6, 0, 5, 4, 4, 3, 3, 3 (see Pow2QuantizationTest)
        assertArrayEquals(bytes(0x06, 0x45, 0x34, 0x33),
                packed("pow2-3", 2f, -1.5f, 0.8f, 0.3f, 0.25f, 0.24f, -0.1f, 0f));
    }

    @Test
    void eightBitContainersTakeOneByteEach() {
        assertArrayEquals(bytes(0x81, 0x00, 0x7F), packed("uniform8", -1f, 0f, 1f));
        // scale 255 / 128 / 255 = 1 / 128, zero point 128: codes 0, 128, 255
        assertArrayEquals(bytes(0x00, 0x80, 0xFF), packed("uniform8-asym", -1f, 0f, 127f / 128));
    }

    @Test
    void sixteenBitContainersAreLittleEndian() {
        // qmax 32767, scale 1: codes -32767, 1, 32767
        assertArrayEquals(bytes(0x01, 0x80, 0x01, 0x00, 0xFF, 0x7F), packed("uniform16", -32767f, 1f, 32767f));
        // 65535 levels over [0, 65535]: codes 0, 258, 65535
        assertArrayEquals(bytes(0x00, 0x00, 0x02, 0x01, 0xFF, 0xFF), packed("uniform16-asym", 0f, 258f, 65535f));
    }

    @Test
    void unpackReadsBackTheCodesOfEveryContainer() {
        float[] w = {-1f, -0.3f, 0f, 0.7f, 1.25f}; // an odd count: 4-bit containers end in a padding nibble
        for (String id : List.of("uniform4", "uniform3-asym", "pow2-3", "uniform8", "uniform8-asym", "uniform16", "uniform16-asym")) {
            Scheme scheme = Scheme.parse(id);
            QuantizedTensor q = Quantizer.quantize(w, new int[] {w.length}, -1, scheme);
            boolean signed = scheme instanceof Scheme.Uniform u && u.symmetric();
            Codes back = Codes.unpack(ByteBuffer.wrap(q.packedCodes()), w.length, scheme.containerBits(), signed);
            int[] expected = new int[w.length];
            int[] actual = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = q.code(i);
                actual[i] = back.get(i);
            }
            assertArrayEquals(expected, actual, id);
            assertEquals(q.packedCodes().length, Codes.packedSize(w.length, scheme.containerBits()), id);
        }
    }
}
