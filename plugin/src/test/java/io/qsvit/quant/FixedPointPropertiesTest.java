package io.qsvit.quant;

import io.qsvit.UserInputException;
import io.qsvit.model.PackedCodes;
import io.qsvit.quant.Scheme.Fixed;
import io.qsvit.quant.Scheme.Fixed.Overflow;
import io.qsvit.quant.Scheme.Fixed.Rounding;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of fixed-point quantization over random formats (2..32 bits, every integer/fraction split),
 * roundings and overflows, and weights from far below the format's step to far beyond its range. The codes
 * are checked against an independent exact computation in {@link BigDecimal}.
 */
class FixedPointPropertiesTest {

    record Case(float[] weights, int[] shape, Fixed scheme) {
        QuantizedTensor quantize() {
            return Quantizer.quantize("w", weights, shape, 0, scheme);
        }

        @Override
        public String toString() {
            return scheme.id() + " " + Arrays.toString(shape) + " " + Arrays.toString(weights);
        }
    }

    /** Codes stay in the format's range, and each value is (float) code * 2^-n, the real decode's product. */
    @Property(tries = 1500)
    void codesStayInRangeAndDecodeAsTheRealArtifactDoes(@ForAll("cases") Case c) {
        QuantizedTensor q = c.quantize();
        Fixed f = c.scheme();
        assertEquals(-1, q.channelAxis());
        assertArrayEquals(new float[] {Math.scalb(1f, -f.fracBits())}, q.scales());
        float[] values = q.dequantize();
        for (int i = 0; i < values.length; i++) {
            long code = q.code(i);
            assertTrue(code >= f.minCode() && code <= f.maxCode(), "code " + code);
            assertEquals(Float.floatToRawIntBits((float) code * f.step()), Float.floatToRawIntBits(values[i]));
        }
    }

    /** Truncation, nearest-even, saturation and wrap agree with exact arithmetic on every element. */
    @Property(tries = 1500)
    void deterministicRoundingsMatchExactArithmetic(@ForAll("deterministicCases") Case c) {
        QuantizedTensor q = c.quantize();
        for (int i = 0; i < c.weights().length; i++) {
            assertEquals(exact(c.scheme(), c.weights()[i]), q.code(i), "element " + i + " = " + c.weights()[i]);
        }
    }

    /** Within range, truncation never rounds up: every error lies in (-2^-n, 0], so the mean error is not positive. */
    @Property(tries = 1000)
    void truncationErrorIsNeverPositive(@ForAll("truncateCases") Case c) {
        Fixed f = c.scheme();
        float[] values = c.quantize().dequantize();
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            double w = c.weights()[i];
            if (Math.scalb(w, f.fracBits()) < f.minCode() || Math.scalb(w, f.fracBits()) > f.maxCode() || f.bits() > 25) {
                continue; // out of range saturates; codes beyond 2^24 round in the cast to float
            }
            BigDecimal error = new BigDecimal(values[i]).subtract(new BigDecimal(w)); // exact: no double rounding
            assertTrue(error.signum() <= 0 && error.compareTo(new BigDecimal(-Math.scalb(1.0, -f.fracBits()))) > 0,
                    "error " + error + " at " + w);
            sum += error.doubleValue();
        }
        assertTrue(sum <= 0);
    }

    /** Stochastic rounding picks the floor or the ceiling of w * 2^n, the same ones again for the same seed. */
    @Property(tries = 800)
    void stochasticRoundingIsAFloorOrCeilingAndRepeatsForASeed(@ForAll("stochasticCases") Case c) {
        QuantizedTensor q = c.quantize();
        QuantizedTensor again = c.quantize();
        for (int i = 0; i < c.weights().length; i++) {
            assertEquals(q.code(i), again.code(i));
            Fixed down = new Fixed(c.scheme().bits(), c.scheme().intBits(), c.scheme().fracBits(), Rounding.TRUNCATE,
                    c.scheme().overflow(), 0);
            long floor = exact(down, c.weights()[i]);
            long code = q.code(i);
            double x = Math.scalb((double) c.weights()[i], c.scheme().fracBits());
            long up = exactCode(c.scheme(), BigDecimal.valueOf(Math.floor(x)).add(BigDecimal.ONE).toBigInteger());
            assertTrue(code == floor || code == up, "code " + code + " not " + floor + " or " + up);
        }
    }

    @Test
    void stochasticRoundingIsUnbiasedAndTheSeedMatters() {
        Fixed f = (Fixed) Scheme.parse("fixed8:q0.7:stochastic:seed=11");
        float w = 0.3f / 128; // 0.3 of a step: code 1 with probability 0.3
        float[] weights = new float[100_000];
        Arrays.fill(weights, w);
        QuantizedTensor q = Quantizer.quantize("w", weights, new int[] {weights.length}, -1, f);
        long ones = 0;
        for (int i = 0; i < weights.length; i++) {
            ones += q.code(i);
        }
        // binomial(100000, 0.3): sd 145; 5 sd either side
        assertTrue(Math.abs(ones - 30_000) < 725, ones + " ones");
        QuantizedTensor other = Quantizer.quantize("w", weights, new int[] {weights.length}, -1,
                Scheme.parse("fixed8:q0.7:stochastic:seed=12"));
        QuantizedTensor otherTensor = Quantizer.quantize("v", weights, new int[] {weights.length}, -1, f);
        assertNotEquals(Arrays.toString(q.dequantize()), Arrays.toString(other.dequantize()));
        assertNotEquals(Arrays.toString(q.dequantize()), Arrays.toString(otherTensor.dequantize()));
    }

    @Test
    void truncationBiasesDownNearestDoesNot() {
        float[] weights = new float[4096];
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextDouble() * 2 - 1) * 0.5f;
        }
        double truncate = meanError(weights, "fixed8:q0.7:truncate");
        double nearest = meanError(weights, "fixed8:q0.7");
        // truncation's mean error is about half a step (2^-8) below zero; nearest's about zero
        assertEquals(-Math.scalb(1.0, -8), truncate, 2e-4);
        assertEquals(0, nearest, 2e-4);
    }

    @Test
    void saturationClampsAndWrapWrapsAroundTheRange() {
        float[] w = {1.0f, -1.0f, 1.5f, -1.5f, 0.99f, 3e38f, -3e38f, 0.004f, -0.004f};
        int[] shape = {w.length};
        assertCodes(new long[] {127, -128, 127, -128, 127, 127, -128, 1, -1}, w, shape, "fixed8:q0.7");
        // 1.0 * 128 = 128 wraps to -128; 1.5 * 128 = 192 wraps to -64; 3e38 * 128 is a multiple of 2^8: 0
        assertCodes(new long[] {-128, -128, -64, 64, 127, 0, 0, 1, -1}, w, shape, "fixed8:q0.7:wrap");
        // truncation: -0.004 * 128 = -0.512 goes down to -1, 0.004 * 128 = 0.512 down to 0
        assertCodes(new long[] {127, -128, 127, -128, 126, 127, -128, 0, -1}, w, shape, "fixed8:q0.7:truncate");
        // 32 bits: codes up to 2^31 - 1
        assertCodes(new long[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, new float[] {4f, -4f}, new int[] {2},
                "fixed32:q1.30");
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheElement() {
        UserInputException e = assertThrows(UserInputException.class, () -> Quantizer.quantize("blocks.0.w",
                new float[] {0.5f, Float.NaN}, new int[] {2}, 0, Scheme.parse("fixed8:q0.7")));
        assertEquals("cannot quantize blocks.0.w to fixed8:q0.7: weight 1 is NaN (quantization needs finite weights)",
                e.getMessage());
        e = assertThrows(UserInputException.class, () -> Quantizer.quantize("w",
                new float[] {Float.NEGATIVE_INFINITY}, new int[] {1}, 0, Scheme.parse("fixed16:q4.11:wrap")));
        assertEquals("cannot quantize w to fixed16:q4.11:wrap: weight 0 is -Infinity (quantization needs finite weights)",
                e.getMessage());
    }

    /** The packing of the real artifact (b < 8) and the INT8/16/32 containers give back every code. */
    @Property(tries = 500)
    void storedCodesReadBackAsTheCodes(@ForAll("cases") Case c) {
        QuantizedTensor q = c.quantize();
        int bits = c.scheme().bits();
        int n = c.weights().length;
        if (DequantizeForm.isPacked(c.scheme())) {
            int[] unsigned = DequantizeForm.unsignedCodes(q);
            int[] back = PackedCodes.unpack(java.nio.ByteBuffer.wrap(PackedCodes.pack(unsigned, bits)), n, bits);
            for (int i = 0; i < n; i++) {
                assertTrue(back[i] >= 0 && back[i] < 1 << bits);
                assertEquals(q.code(i), back[i] - (1 << (bits - 1)));
            }
        } else {
            Codes back = Codes.unpack(java.nio.ByteBuffer.wrap(q.packedCodes()), n, c.scheme().containerBits(), true);
            for (int i = 0; i < n; i++) {
                assertEquals(q.code(i), back.get(i));
            }
        }
    }

    // ---- exact reference ----

    private static long exact(Fixed f, float w) {
        BigDecimal x = new BigDecimal(w).multiply(new BigDecimal(BigInteger.TWO.pow(f.fracBits())));
        RoundingMode mode = f.rounding() == Rounding.TRUNCATE ? RoundingMode.FLOOR : RoundingMode.HALF_EVEN;
        return exactCode(f, x.setScale(0, mode).toBigIntegerExact());
    }

    private static long exactCode(Fixed f, BigInteger c) {
        BigInteger min = BigInteger.valueOf(f.minCode());
        BigInteger max = BigInteger.valueOf(f.maxCode());
        if (f.overflow() == Overflow.SATURATE) {
            return c.max(min).min(max).longValueExact();
        }
        BigInteger modulus = BigInteger.TWO.pow(f.bits());
        return c.subtract(min).mod(modulus).add(min).longValueExact();
    }

    private static double meanError(float[] weights, String id) {
        float[] values = Quantizer.quantize("w", weights, new int[] {weights.length}, -1, Scheme.parse(id)).dequantize();
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i] - weights[i];
        }
        return sum / values.length;
    }

    private static void assertCodes(long[] expected, float[] w, int[] shape, String id) {
        QuantizedTensor q = Quantizer.quantize("w", w, shape, -1, Scheme.parse(id));
        long[] codes = new long[w.length];
        Arrays.setAll(codes, q::code);
        assertArrayEquals(expected, codes, id);
    }

    // ---- generators ----

    @Provide
    Arbitrary<Case> cases() {
        return cases(formats(Arbitraries.of(Rounding.values()), Arbitraries.of(Overflow.values())));
    }

    @Provide
    Arbitrary<Case> deterministicCases() {
        return cases(formats(Arbitraries.of(Rounding.TRUNCATE, Rounding.NEAREST_EVEN), Arbitraries.of(Overflow.values())));
    }

    @Provide
    Arbitrary<Case> truncateCases() {
        return cases(formats(Arbitraries.just(Rounding.TRUNCATE), Arbitraries.of(Overflow.values())));
    }

    @Provide
    Arbitrary<Case> stochasticCases() {
        return cases(formats(Arbitraries.just(Rounding.STOCHASTIC), Arbitraries.of(Overflow.values())));
    }

    private static Arbitrary<Fixed> formats(Arbitrary<Rounding> roundings, Arbitrary<Overflow> overflows) {
        return Arbitraries.integers().between(Fixed.MIN_BITS, Fixed.MAX_BITS).flatMap(bits ->
                Combinators.combine(Arbitraries.integers().between(0, bits - 1), roundings, overflows,
                        Arbitraries.longs()).as((m, r, o, seed) ->
                        new Fixed(bits, m, bits - 1 - m, r, o, r == Rounding.STOCHASTIC ? seed : 0)));
    }

    private static Arbitrary<Case> cases(Arbitrary<Fixed> formats) {
        return Combinators.combine(Arbitraries.integers().between(1, 40), formats).as(Tuple::of)
                .flatMap(t -> weights(t.get1()).map(w -> new Case(w, new int[] {t.get1()}, t.get2())));
    }

    private static Arbitrary<float[]> weights(int n) {
        // units in [-1, 1] with 24 bits, scaled by 2^-40 .. 2^40: far below a step, on the grid, far past the range
        Arbitrary<Float> unit = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0f)),
                Tuple.of(1, Arbitraries.just(-0f)),
                Tuple.of(8, Arbitraries.integers().between(-(1 << 24), 1 << 24).map(i -> i / (float) (1 << 24))));
        Arbitrary<float[]> scaled = Combinators.combine(unit.list().ofSize(n), Arbitraries.integers().between(-40, 40))
                .as((units, e) -> toArray(units.stream().map(u -> Math.scalb(u, e)).toList()));
        Arbitrary<float[]> anyFinite = Arbitraries.integers().map(Float::intBitsToFloat).filter(Float::isFinite)
                .list().ofSize(n).map(FixedPointPropertiesTest::toArray);
        Arbitrary<float[]> onGrid = Combinators.combine(Arbitraries.integers().list().ofSize(n),
                Arbitraries.integers().between(0, 31)).as((ints, e) -> toArray(ints.stream()
                .map(i -> Math.scalb((float) (i >> 8), -e)).toList()));
        return Arbitraries.frequencyOf(Tuple.of(6, scaled), Tuple.of(2, anyFinite), Tuple.of(2, onGrid));
    }

    private static float[] toArray(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
