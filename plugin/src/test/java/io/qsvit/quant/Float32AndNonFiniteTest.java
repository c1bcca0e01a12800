package io.qsvit.quant;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Float32 passes anything through untouched; quantizing schemes refuse NaN and infinities by name. */
class Float32AndNonFiniteTest {
    private static final float QUIET_NAN_WITH_PAYLOAD = Float.intBitsToFloat(0x7fc0_1234);
    private static final float NEGATIVE_NAN = Float.intBitsToFloat(0xffc0_0001);

    @Test
    void float32KeepsEveryBitIncludingNanPayloadsAndNegativeZero() {
        float[] w = {-0f, QUIET_NAN_WITH_PAYLOAD, NEGATIVE_NAN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, 1.1f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2, 3}, 0, Scheme.FLOAT32);
        assertEquals(-1, q.channelAxis());
        assertArrayEquals(new float[0], q.scales());
        assertArrayEquals(new int[0], q.zeroPoints());
        float[] values = q.dequantize();
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(values[i]), "element " + i);
        }
        ByteBuffer raw = ByteBuffer.wrap(q.packedCodes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float weight : w) {
            assertEquals(Float.floatToRawIntBits(weight), raw.getInt());
        }
        assertThrows(IllegalStateException.class, () -> q.code(0));
    }

    @Test
    void float32KeepsACopySoLaterChangesToTheInputDoNotLeakIn() {
        float[] w = {1f, 2f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2}, -1, Scheme.FLOAT32);
        w[0] = 5f;
        assertArrayEquals(new float[] {1f, 2f}, q.dequantize());
    }

    @Test
    void nanIsRefusedNamingTheTensorAndTheWeight() {
        float[] w = {1f, 0.5f, Float.NaN, 2f};
        UserInputException e = assertThrows(UserInputException.class,
                () -> Quantizer.quantize("conv1.weight", w, new int[] {2, 2}, 0, Scheme.parse("uniform8")));
        assertEquals("cannot quantize conv1.weight to uniform8: weight 2 is NaN (quantization needs finite weights)",
                e.getMessage());
    }

    @Test
    void infinitiesAreRefusedByEveryQuantizingScheme() {
        float[] w = {1f, Float.NEGATIVE_INFINITY};
        for (String id : new String[] {"uniform8", "uniform4-asym", "uniform16-asym-tensor", "pow2-4"}) {
            UserInputException e = assertThrows(UserInputException.class,
                    () -> Quantizer.quantize(w, new int[] {2}, -1, Scheme.parse(id)));
            assertEquals("cannot quantize weight tensor to " + id
                    + ": weight 1 is -Infinity (quantization needs finite weights)", e.getMessage());
        }
    }
}
