package io.qsvit.quant;

import org.junit.jupiter.api.Test;

import static io.qsvit.quant.UniformQuantizationTest.codes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-computed examples of the power-of-two levels, code mapping and tie rule. */
class Pow2QuantizationTest {
    @Test
    void tableIsAscendingWithZeroAtCodeN() {
        assertArrayEquals(new float[] {-1f, 0f, 1f}, Pow2Levels.table(2));
        assertArrayEquals(new float[] {-1f, -0.5f, -0.25f, 0f, 0.25f, 0.5f, 1f}, Pow2Levels.table(3));
        assertEquals(3, Pow2Levels.magnitudes(3));
        float[] eight = Pow2Levels.table(8);
        assertEquals(255, eight.length);
        assertEquals(0f, eight[127]);
        assertEquals(Math.scalb(1f, -126), eight[128]);
        assertEquals(-Math.scalb(1f, -126), eight[126]);
        assertThrows(IllegalArgumentException.class, () -> Pow2Levels.table(9));
    }

    @Test
    void weightsGoToTheNearestLevelAndTiesToTheLargerMagnitude() {
        // scale 2: levels 0, +-0.5, +-1, +-2; midpoints 0.25, 0.75, 1.5
        float[] w = {2f, -1.5f, 0.8f, 0.3f, 0.25f, 0.24f, -0.1f, 0f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {8}, 0, Scheme.parse("pow2-3-tensor"));
        assertArrayEquals(new float[] {2f}, q.scales());
        assertArrayEquals(new int[0], q.zeroPoints());
        assertArrayEquals(new int[] {6, 0, 5, 4, 4, 3, 3, 3}, codes(q));
        assertArrayEquals(new float[] {2f, -2f, 1f, 0.5f, 0.5f, 0f, 0f, 0f}, q.dequantize());
    }

    @Test
    void perChannelScalesAreTheChannelsMaxAbs() {
        // rows {1, -0.3} and {0.1, 0}; 2 bits: levels 0 and +-scale, midpoint scale / 2
        float[] w = {1f, -0.3f, 0.1f, 0f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2, 2}, 0, Scheme.parse("pow2-2"));
        assertEquals(0, q.channelAxis());
        assertArrayEquals(new float[] {1f, 0.1f}, q.scales());
        assertArrayEquals(new int[] {2, 1, 2, 1}, codes(q));
        assertArrayEquals(new float[] {1f, 0f, 0.1f, 0f}, q.dequantize());
    }

    @Test
    void valuesAreTableTimesScaleInFloat() {
        float[] w = {0.3f, -0.7f, 0.11f, 0.05f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {4}, -1, Scheme.parse("pow2-4"));
        float[] table = Pow2Levels.table(4);
        float scale = q.scales()[0];
        assertEquals(0.7f, scale);
        float[] values = q.dequantize();
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(table[q.code(i)] * scale), Float.floatToRawIntBits(values[i]));
        }
        // n = 7; in units of the scale: 0.3 / 0.7 = 0.43 is nearer 2^-1 than 2^-2, code 2n - 1 = 13;
        // -0.7 is -2^0, code 0; 0.11 / 0.7 = 0.157 is nearer 2^-3 (code 11); 0.05 / 0.7 = 0.071, 2^-4 (code 10)
        assertArrayEquals(new int[] {13, 0, 11, 10}, codes(q));
    }

    @Test
    void zeroKeepsTheZeroCodeWhereLowLevelsUnderflow() {
        // scale 1e-30 at 8 bits: 2^-j * scale is below Float.MIN_VALUE / 2 from j = 51 on, so those levels
        // are 0; zeros still take code n, and the smallest weight still finds its level
        float[] w = {1e-30f, Float.MIN_VALUE, 0f, -0f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {4}, -1, Scheme.parse("pow2-8"));
        assertEquals(254, q.code(0));
        assertEquals(127, q.code(2));
        assertEquals(127, q.code(3));
        float[] values = q.dequantize();
        assertEquals(Float.MIN_VALUE, values[1]);
        assertEquals(0, Float.floatToRawIntBits(values[3]));
    }
}
