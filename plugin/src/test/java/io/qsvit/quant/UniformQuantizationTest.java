package io.qsvit.quant;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Hand-computed examples of the uniform formulas documented in {@link Quantizer}. */
class UniformQuantizationTest {
    static int[] codes(QuantizedTensor tensor) {
        int[] codes = new int[tensor.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = tensor.code(i);
        }
        return codes;
    }

    @Test
    void symmetricDividesByTheStoredFloatScale() {
        float[] w = {-1f, -0.5f, 0f, 0.25f, 1f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {5}, -1, Scheme.parse("uniform4-tensor"));
        // qmax 7, scale fl(1/7) = 0.14285715, a little above 1/7. 0.25 / scale = 1.75 -> 2. In exact
        // arithmetic -0.5 * 7 = -3.5 would round half to even to -4, but -0.5 / 0.14285715 is -3.4999998 in
        // float (and in double), so the code is -3, as QuantizeLinear with that scale gives
        assertArrayEquals(new float[] {1f / 7}, q.scales());
        assertArrayEquals(new int[0], q.zeroPoints());
        assertEquals(-1, q.channelAxis());
        assertArrayEquals(new int[] {-7, -3, 0, 2, 7}, codes(q));
        float s = 1f / 7;
        assertArrayEquals(new float[] {-7 * s, -3 * s, 0f, 2 * s, 7 * s}, q.dequantize());
        assertArrayEquals(new float[] {-1f, -0.42857146f, 0f, 0.2857143f, 1f}, q.dequantize());
    }

    @Test
    void halfwayCodesGoToTheEvenNeighbour() {
        // an exact scale, 1 (maxAbs 3, qmax 3), so the halves are exact: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2
        float[] w = {0.5f, 1.5f, 2.5f, -2.5f, 3f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {5}, 0, Scheme.parse("uniform3-tensor"));
        assertArrayEquals(new int[] {0, 2, 2, -2, 3}, codes(q));
    }

    @Test
    void asymmetricFitsMinToMaxWithExactZero() {
        // lo -1, hi 2.5: scale 3.5 / 7 = 0.5, zero point rint(1 / 0.5) = 2
        // w / scale = -2, -0.6, 0, 1.4, 2.5 (-> 2, even), 5; plus 2
        float[] w = {-1f, -0.3f, 0f, 0.7f, 1.25f, 2.5f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {6}, -1, Scheme.parse("uniform3-asym"));
        assertArrayEquals(new float[] {0.5f}, q.scales());
        assertArrayEquals(new int[] {2}, q.zeroPoints());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 7}, codes(q));
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 2.5f}, q.dequantize());
    }

    @Test
    void asymmetricRangeAlwaysIncludesZero() {
        // all positive: lo = 0 so the zero point is 0 and the scale is max / 15
        float[] w = {1.5f, 3f, 7.5f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {3}, -1, Scheme.parse("uniform4-asym-tensor"));
        assertArrayEquals(new float[] {0.5f}, q.scales());
        assertArrayEquals(new int[] {0}, q.zeroPoints());
        assertArrayEquals(new int[] {3, 6, 15}, codes(q));
        // all negative: hi = 0 so the zero point is the top code
        QuantizedTensor n = Quantizer.quantize(new float[] {-7.5f, -3f}, new int[] {2}, -1,
                Scheme.parse("uniform4-asym"));
        assertArrayEquals(new int[] {15}, n.zeroPoints());
        assertArrayEquals(new int[] {0, 9}, codes(n));
        assertArrayEquals(new float[] {-7.5f, -3f}, n.dequantize());
    }

    /**
     * The lemma behind symmetric idempotence: for scale = fl(m / qmax), the largest dequantized value
     * p = fl(qmax * scale) gives fl(p / qmax) = scale again, and m / scale rounds to qmax. Checked for every
     * float m in [1, 2) and every qmax; scaling m by a power of two scales everything exactly, so this covers
     * every m whose scale is a normal float.
     */
    @Test
    void symmetricScaleIsRecoveredFromTheLargestDequantizedValue() {
        for (int bits = 2; bits <= 16; bits++) {
            int qmax = (1 << (bits - 1)) - 1;
            for (int m = Float.floatToRawIntBits(1f); m < Float.floatToRawIntBits(2f); m++) {
                float maxAbs = Float.intBitsToFloat(m);
                float scale = maxAbs / qmax;
                float largest = qmax * scale;
                if (largest / qmax != scale || Math.rint(maxAbs / scale) != qmax) {
                    fail("maxAbs " + maxAbs + " qmax " + qmax);
                }
            }
        }
    }

    @Test
    void asymmetricRequantizationCanShrinkTheRange() {
        // lo -0.5, hi 2.5: scale 1, zero point rint(0.5) = 0; -0.5 -> rint(-0.5) = 0 and 2.5 -> rint(2.5) = 2,
        // both rounded half to even towards the middle, so the top code 3 is unused
        QuantizedTensor q = Quantizer.quantize(new float[] {-0.5f, 2.5f}, new int[] {2}, -1,
                Scheme.parse("uniform2-asym"));
        assertArrayEquals(new int[] {0, 2}, codes(q));
        assertArrayEquals(new float[] {0f, 2f}, q.dequantize());
        // quantizing {0, 2} from scratch sees the range [0, 2] and a new scale 2/3: not idempotent
        QuantizedTensor again = Quantizer.quantize(q.dequantize(), new int[] {2}, -1, Scheme.parse("uniform2-asym"));
        assertArrayEquals(new float[] {2f / 3}, again.scales());
        assertArrayEquals(new int[] {0, 3}, codes(again));
    }

    @Test
    void perChannelOnAxisOneOfAMatrixScalesEachColumn() {
        // [[3, -6, 0], [1.5, 2, 0]] along axis 1: columns {3, 1.5}, {-6, 2}, {0, 0}; qmax 3
        float[] w = {3f, -6f, 0f, 1.5f, 2f, 0f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2, 3}, 1, Scheme.parse("uniform3"));
        assertEquals(1, q.channelAxis());
        assertArrayEquals(new float[] {1f, 2f, 1f}, q.scales());
        assertArrayEquals(new int[] {3, -3, 0, 2, 1, 0}, codes(q));
        assertArrayEquals(new float[] {3f, -6f, 0f, 2f, 2f, 0f}, q.dequantize());
    }

    @Test
    void perChannelOnAxisZeroScalesEachRow() {
        float[] w = {3f, -6f, 0f, 1.5f, 0.75f, 0f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2, 3}, 0, Scheme.parse("uniform3"));
        assertArrayEquals(new float[] {2f, 0.5f}, q.scales());
        assertArrayEquals(new int[] {2, -3, 0, 3, 2, 0}, codes(q));
    }

    @Test
    void perChannelOnAMiddleAxisOfAConvWeight() {
        // [2, 2, 2] along axis 1: channel 0 is elements 0, 1, 4, 5; channel 1 is 2, 3, 6, 7
        float[] w = {1f, -1f, 4f, 2f, 0.5f, 1f, -4f, 1f};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2, 2, 2}, 1, Scheme.parse("uniform2"));
        // qmax 1: scales are the channels' maxAbs; 0.5 -> rint(0.5) = 0, 2 / 4 -> 0
        assertArrayEquals(new float[] {1f, 4f}, q.scales());
        assertArrayEquals(new int[] {1, -1, 1, 0, 0, 1, -1, 0}, codes(q));
    }

    @Test
    void unknownAxisMakesPerChannelPerTensor() {
        QuantizedTensor q = Quantizer.quantize(new float[] {1f, 2f}, new int[] {2, 1}, -1, Scheme.parse("uniform8"));
        assertEquals(-1, q.channelAxis());
        assertEquals(1, q.scales().length);
    }

    @Test
    void zeroChannelsGetScaleOneAndTheZeroPoint() {
        QuantizedTensor sym = Quantizer.quantize(new float[] {0f, 0f, 254f, -0f}, new int[] {2, 2}, 0,
                Scheme.parse("uniform8"));
        assertArrayEquals(new float[] {1f, 2f}, sym.scales());
        assertArrayEquals(new int[] {0, 0, 127, 0}, codes(sym));
        QuantizedTensor asym = Quantizer.quantize(new float[] {0f, 0f, 510f, -0f}, new int[] {2, 2}, 0,
                Scheme.parse("uniform8-asym"));
        assertArrayEquals(new float[] {1f, 2f}, asym.scales());
        assertArrayEquals(new int[] {0, 0}, asym.zeroPoints());
        assertArrayEquals(new int[] {0, 0, 255, 0}, codes(asym));
        assertArrayEquals(new float[] {0f, 0f, 510f, 0f}, asym.dequantize());
    }

    @Test
    void wideRangesStayFinite() {
        float[] w = {-1e38f, 1e38f, 0f};
        for (String id : new String[] {"uniform8-asym", "uniform16-asym", "uniform2", "uniform16"}) {
            QuantizedTensor q = Quantizer.quantize(w, new int[] {3}, -1, Scheme.parse(id));
            float[] v = q.dequantize();
            // half a step plus float rounding, as in QuantizationPropertiesTest
            float tolerance = q.scales()[0] / 2 + 1e38f * 0x1p-21f;
            assertEquals(0f, v[2], id);
            assertEquals(-1e38f, v[0], tolerance, id);
            assertEquals(1e38f, v[1], tolerance, id);
        }
    }

    @Test
    void magnitudesNearTheFloatLimitAreRefusedByName() {
        float[] w = {1f, -3e38f};
        UserInputException e = assertThrows(UserInputException.class,
                () -> Quantizer.quantize("fc.weight", w, new int[] {2}, 0, Scheme.parse("uniform8-asym")));
        assertEquals("cannot quantize fc.weight to uniform8-asym: weight 1 is -3.0E38, beyond the magnitude "
                + "1.7014117E38 whose dequantized values stay finite", e.getMessage());
        // pow2 levels never exceed the largest weight, so pow2 takes the whole float range
        QuantizedTensor pow2 = Quantizer.quantize(w, new int[] {2}, 0, Scheme.parse("pow2-4-tensor"));
        assertEquals(-3e38f, pow2.dequantize()[1]);
    }

    @Test
    void subnormalChannelsUseTheSmallestNormalScale() {
        float[] w = {Float.MIN_VALUE * 3, Float.MIN_VALUE};
        QuantizedTensor q = Quantizer.quantize(w, new int[] {2}, -1, Scheme.parse("uniform8"));
        assertArrayEquals(new float[] {Float.MIN_NORMAL}, q.scales());
        assertArrayEquals(new float[] {0f, 0f}, q.dequantize());
    }

    @Test
    void dequantizeIntoReusesTheCallersBuffer() {
        QuantizedTensor q = Quantizer.quantize(new float[] {1f, -1f}, new int[] {2}, -1, Scheme.parse("uniform8"));
        float[] out = {9f, 9f};
        q.dequantizeInto(out);
        assertArrayEquals(new float[] {1f, -1f}, out);
        assertThrows(IllegalArgumentException.class, () -> q.dequantizeInto(new float[3]));
    }

    @Test
    void shapeMismatchAndBadAxisAreProgrammingErrors() {
        Scheme scheme = Scheme.parse("uniform8");
        assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(new float[5], new int[] {2, 3}, 0, scheme));
        assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(new float[6], new int[] {2, 3}, 2, scheme));
        assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(new float[6], new int[] {2, 3}, -2, scheme));
    }
}
