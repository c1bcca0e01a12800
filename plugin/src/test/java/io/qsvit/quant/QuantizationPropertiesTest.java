package io.qsvit.quant;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the quantizers over random small tensors (1 to 4 dimensions), channel axes, bit widths and
 * weights: zeros and -0.0, values in [-1, 1] scaled by 2^-150 .. 2^126 (tiny, subnormal and large),
 * arbitrary finite bit patterns up to 1e38, all-equal, all-negative and all-zero tensors.
 */
class QuantizationPropertiesTest {

    record Case(float[] weights, int[] shape, int axis, Scheme scheme) {
        QuantizedTensor quantize() {
            return Quantizer.quantize(weights, shape, axis, scheme);
        }

        @Override
        public String toString() {
            return scheme.id() + " shape " + Arrays.toString(shape) + " axis " + axis + " weights "
                    + Arrays.toString(weights);
        }
    }

    // ---- uniform ----

    @Property(tries = 1500)
    void uniformErrorIsAtMostHalfAStepAndCodesStayInRange(@ForAll("uniformCases") Case c) {
        Scheme.Uniform scheme = (Scheme.Uniform) c.scheme();
        QuantizedTensor q = c.quantize();
        assertEquals(scheme.perChannel() ? c.axis() : -1, q.channelAxis());
        int qmin = scheme.symmetric() ? -((1 << (scheme.bits() - 1)) - 1) : 0;
        int qmax = scheme.symmetric() ? (1 << (scheme.bits() - 1)) - 1 : (1 << scheme.bits()) - 1;
        float[] scales = q.scales();
        int[] zeroPoints = q.zeroPoints();
        float[] values = q.dequantize();
        float[] maxAbs = ChannelStats.maxAbs(c.weights(), layout(c, q));
        forEachElement(c, q, (index, channel) -> {
            int code = q.code(index);
            int zeroPoint = scheme.symmetric() ? 0 : zeroPoints[channel];
            float scale = scales[channel];
            assertTrue(code >= qmin && code <= qmax, "code " + code);
            assertEquals(Float.floatToRawIntBits((float) (code - zeroPoint) * scale),
                    Float.floatToRawIntBits(values[index]));
            // exact rounding would give scale / 2. Float rounding adds: w / scale (relative 2^-24 of |w|),
            // the scale and zero point themselves (through lo and hi, each relative 2^-24 of the channel's
            // range) and the final product (half an ulp of the value): at most about 4 * 2^-24 * maxAbs, so
            // 8 * 2^-24 * maxAbs (= maxAbs * 2^-21) bounds it with room to spare
            double tolerance = scale / 2.0 + maxAbs[channel] * 0x1p-21;
            double error = Math.abs((double) c.weights()[index] - values[index]);
            assertTrue(error <= tolerance, "weight " + index + ": error " + error + " > " + tolerance);
        });
        int distinctLimit = scheme.symmetric() ? (1 << scheme.bits()) - 1 : 1 << scheme.bits();
        for (Set<Integer> channelValues : distinctValuesPerChannel(c, q, values)) {
            assertTrue(channelValues.size() <= distinctLimit, channelValues.size() + " distinct values");
        }
    }

    @Property(tries = 1000)
    void symmetricUniformIsIdempotent(@ForAll("symmetricCases") Case c) {
        QuantizedTensor q = c.quantize();
        float[] values = q.dequantize();
        QuantizedTensor again = Quantizer.quantize(values, c.shape(), c.axis(), c.scheme());
        assertBitsEqual(values, again.dequantize());
        for (int i = 0; i < values.length; i++) {
            assertEquals(q.code(i), again.code(i), "code " + i);
        }
    }

    /**
     * Asymmetric quantization is not idempotent from scratch (see
     * UniformQuantizationTest#asymmetricRequantizationCanShrinkTheRange): the recomputed range can lose
     * half a step. What holds exactly is that the grid is a fixed point: encoding the dequantized values
     * with the same scale and zero point gives back the same codes.
     */
    @Property(tries = 1000)
    void asymmetricGridIsAFixedPoint(@ForAll("asymmetricCases") Case c) {
        QuantizedTensor q = c.quantize();
        int levels = (1 << c.scheme().bits()) - 1;
        float[] scales = q.scales();
        int[] zeroPoints = q.zeroPoints();
        float[] values = q.dequantize();
        forEachElement(c, q, (index, channel) -> {
            int again = (int) Math.rint(values[index] / scales[channel]) + zeroPoints[channel];
            assertEquals(q.code(index), Math.max(0, Math.min(levels, again)), "code " + index);
        });
    }

    @Property(tries = 500)
    void allZeroChannelsGetScaleOneAndTheZeroPoint(@ForAll("uniformCases") Case c) {
        float[] zeros = new float[c.weights().length];
        QuantizedTensor q = Quantizer.quantize(zeros, c.shape(), c.axis(), c.scheme());
        int[] zeroPoints = q.zeroPoints();
        for (float scale : q.scales()) {
            assertEquals(1f, scale);
        }
        forEachElement(c, q, (index, channel) ->
                assertEquals(zeroPoints.length == 0 ? 0 : zeroPoints[channel], q.code(index)));
        assertBitsEqual(zeros, q.dequantize());
    }

    // ---- pow2 ----

    @Property(tries = 600)
    void pow2ValuesAreTheNearestLevelTiesToTheLargerMagnitude(@ForAll("pow2Cases") Case c) {
        QuantizedTensor q = c.quantize();
        assertEquals(c.scheme().perChannel() ? c.axis() : -1, q.channelAxis());
        float[] table = Pow2Levels.table(c.scheme().bits());
        float[] scales = q.scales();
        float[] values = q.dequantize();
        forEachElement(c, q, (index, channel) -> {
            int code = q.code(index);
            assertTrue(code >= 0 && code < table.length, "code " + code);
            float value = values[index];
            assertEquals(Float.floatToRawIntBits(table[code] * scales[channel]), Float.floatToRawIntBits(value));
            double w = c.weights()[index];
            double error = Math.abs(w - value);
            // nearest among all levels, and the larger magnitude on a tie (differences of floats rounded to
            // double keep their order, so no tolerance is needed)
            double below = Double.NEGATIVE_INFINITY;
            double above = Double.POSITIVE_INFINITY;
            for (float unit : table) {
                float level = unit * scales[channel];
                double distance = Math.abs(w - level);
                assertTrue(error <= distance, "weight " + w + " -> " + value + ", but " + level + " is nearer");
                if (distance == error) {
                    assertTrue(Math.abs(value) >= Math.abs(level), "tie of " + w + " went to " + value);
                }
                if (level <= w) {
                    below = Math.max(below, level);
                }
                if (level >= w) {
                    above = Math.min(above, level);
                }
            }
            assertTrue(error <= (above - below) / 2, "error " + error + " above half the gap around " + w);
        });
        for (Set<Integer> channelValues : distinctValuesPerChannel(c, q, values)) {
            assertTrue(channelValues.size() <= table.length);
        }
    }

    @Property(tries = 1000)
    void pow2IsIdempotent(@ForAll("pow2Cases") Case c) {
        float[] values = c.quantize().dequantize();
        float[] again = Quantizer.quantize(values, c.shape(), c.axis(), c.scheme()).dequantize();
        assertBitsEqual(values, again);
    }

    // ---- float32 and packing ----

    @Property(tries = 300)
    void float32KeepsEveryBit(@ForAll("float32Cases") Case c) {
        QuantizedTensor q = c.quantize();
        assertBitsEqual(c.weights(), q.dequantize());
        byte[] raw = q.packedCodes();
        for (int i = 0; i < c.weights().length; i++) {
            assertEquals(Float.floatToRawIntBits(c.weights()[i]), littleEndian(raw, 4 * i, 4));
        }
    }

    @Property(tries = 1000)
    void packedCodesDecodeToTheCodes(@ForAll("quantizingCases") Case c) {
        QuantizedTensor q = c.quantize();
        byte[] raw = q.packedCodes();
        int count = q.size();
        int type = c.scheme().onnxDataType();
        int width = c.scheme().containerBits();
        assertEquals((count * width + 7) / 8, raw.length);
        for (int i = 0; i < count; i++) {
            int bits = width == 4 ? (raw[i / 2] >> (4 * (i % 2))) & 0x0F : littleEndian(raw, i * width / 8, width / 8);
            int decoded = switch (type) {
                case OnnxDataType.INT4 -> (bits << 28) >> 28;
                case OnnxDataType.INT8 -> (byte) bits;
                case OnnxDataType.INT16 -> (short) bits;
                default -> bits;
            };
            assertEquals(q.code(i), decoded, "code " + i);
        }
        if (width == 4 && count % 2 == 1) {
            assertEquals(0, raw[raw.length - 1] & 0xF0, "padding nibble");
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<Case> uniformCases() {
        return cases(Combinators.combine(Arbitraries.integers().between(2, 16), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(Scheme.Uniform::new));
    }

    @Provide
    Arbitrary<Case> symmetricCases() {
        return cases(Combinators.combine(Arbitraries.integers().between(2, 16), Arbitraries.of(true, false))
                .as((bits, perChannel) -> new Scheme.Uniform(bits, true, perChannel)));
    }

    @Provide
    Arbitrary<Case> asymmetricCases() {
        return cases(Combinators.combine(Arbitraries.integers().between(2, 16), Arbitraries.of(true, false))
                .as((bits, perChannel) -> new Scheme.Uniform(bits, false, perChannel)));
    }

    @Provide
    Arbitrary<Case> pow2Cases() {
        return cases(Combinators.combine(Arbitraries.integers().between(2, 8), Arbitraries.of(true, false))
                .as(Scheme.Pow2::new));
    }

    @Provide
    Arbitrary<Case> quantizingCases() {
        return Arbitraries.oneOf(uniformCases(), pow2Cases());
    }

    @Provide
    Arbitrary<Case> float32Cases() {
        // any bit pattern: NaN payloads, infinities, -0.0 and subnormals included
        Arbitrary<Float> anyFloat = Arbitraries.integers().map(Float::intBitsToFloat);
        return shapes().flatMap(shape -> Combinators.combine(axes(shape),
                anyFloat.list().ofSize(size(shape)).map(QuantizationPropertiesTest::toArray))
                .as((axis, w) -> new Case(w, shape, axis, Scheme.FLOAT32)));
    }

    private static Arbitrary<Case> cases(Arbitrary<? extends Scheme> schemes) {
        return shapes().flatMap(shape -> Combinators.combine(axes(shape), schemes, weights(size(shape)))
                .as((axis, scheme, w) -> new Case(w, shape, axis, scheme)));
    }

    private static Arbitrary<int[]> shapes() {
        return Arbitraries.integers().between(1, 5).list().ofMinSize(1).ofMaxSize(4)
                .map(dims -> dims.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Arbitrary<Integer> axes(int[] shape) {
        return Arbitraries.integers().between(-1, shape.length - 1);
    }

    private static Arbitrary<float[]> weights(int n) {
        // a value in [-1, 1] with 24 bits of fraction, zeros often
        Arbitrary<Float> unit = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0f)),
                Tuple.of(1, Arbitraries.just(-0f)),
                Tuple.of(8, Arbitraries.integers().between(-(1 << 24), 1 << 24).map(i -> i / (float) (1 << 24))));
        Arbitrary<Integer> exponent = Arbitraries.integers().between(-150, 126);
        Arbitrary<float[]> scaled = Combinators.combine(unit.list().ofSize(n), exponent)
                .as((units, e) -> toArray(units.stream().map(u -> Math.scalb(u, e)).toList()));
        Arbitrary<float[]> anyFinite = Arbitraries.integers().map(Float::intBitsToFloat)
                .filter(f -> Math.abs(f) <= 1e38f).list().ofSize(n).map(QuantizationPropertiesTest::toArray);
        Arbitrary<float[]> allEqual = Arbitraries.oneOf(unit, anyFinite.map(w -> w[0]))
                .map(v -> filled(n, v));
        Arbitrary<float[]> allNegative = Arbitraries.oneOf(scaled, anyFinite).map(w -> {
            float[] negative = w.clone();
            for (int i = 0; i < negative.length; i++) {
                negative[i] = -Math.abs(negative[i]);
            }
            return negative;
        });
        return Arbitraries.frequencyOf(
                Tuple.of(6, scaled),
                Tuple.of(3, anyFinite),
                Tuple.of(1, allEqual),
                Tuple.of(1, allNegative),
                Tuple.of(1, Arbitraries.just(new float[n])));
    }

    // ---- helpers ----

    interface ElementCheck {
        void check(int index, int channel);
    }

    private static ChannelLayout layout(Case c, QuantizedTensor q) {
        return ChannelLayout.of(c.shape(), q.channelAxis());
    }

    private static void forEachElement(Case c, QuantizedTensor q, ElementCheck check) {
        ChannelLayout layout = layout(c, q);
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int channel = 0; channel < layout.channels(); channel++) {
                for (int i = 0; i < layout.inner(); i++) {
                    check.check(index++, channel);
                }
            }
        }
    }

    private static List<Set<Integer>> distinctValuesPerChannel(Case c, QuantizedTensor q, float[] values) {
        List<Set<Integer>> perChannel = new java.util.ArrayList<>();
        for (int channel = 0; channel < layout(c, q).channels(); channel++) {
            perChannel.add(new HashSet<>());
        }
        forEachElement(c, q, (index, channel) -> perChannel.get(channel).add(Float.floatToRawIntBits(values[index])));
        return perChannel;
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    "element " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    private static int littleEndian(byte[] bytes, int offset, int count) {
        int value = 0;
        for (int b = 0; b < count; b++) {
            value |= (bytes[offset + b] & 0xFF) << (8 * b);
        }
        return value;
    }

    private static int size(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    private static float[] filled(int n, float value) {
        float[] w = new float[n];
        Arrays.fill(w, value);
        return w;
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
