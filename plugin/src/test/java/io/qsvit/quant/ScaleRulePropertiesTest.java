package io.qsvit.quant;

import io.qsvit.UserInputException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the scale rules over random tensors whose weights are bell-shaped with a few outliers (the case
 * clipping is for), plain uniform ones and all-zero ones: mse never quantizes the weights with more squared
 * error than max-abs, per channel; codes stay in range and dequantize as the formulas say; scales never
 * exceed max-abs's; rules are deterministic and idempotent on their own output; ids round-trip.
 */
class ScaleRulePropertiesTest {

    record Case(float[] weights, int[] shape, int axis, Scheme scheme) {
        @Override
        public String toString() {
            return scheme.id() + " shape " + Arrays.toString(shape) + " axis " + axis + " weights " + Arrays.toString(weights);
        }
    }

    @Property(tries = 600)
    void mseNeverHasMoreWeightErrorThanMaxAbsInAnyChannel(@ForAll("mseCases") Case c) {
        QuantizedTensor mse = Quantizer.quantize(c.weights(), c.shape(), c.axis(), c.scheme());
        QuantizedTensor maxAbs = Quantizer.quantize(c.weights(), c.shape(), c.axis(), withRule(c.scheme(), ScaleRule.MAX_ABS));
        double[] mseError = channelErrors(c, mse);
        double[] maxAbsError = channelErrors(c, maxAbs);
        for (int ch = 0; ch < mseError.length; ch++) {
            assertTrue(mseError[ch] <= maxAbsError[ch], "channel " + ch + ": " + mseError[ch] + " > " + maxAbsError[ch]);
        }
    }

    @Property(tries = 600)
    void codesStayInRangeValuesFollowTheFormulasAndScalesNeverGrow(@ForAll("ruleCases") Case c) {
        QuantizedTensor q = Quantizer.quantize(c.weights(), c.shape(), c.axis(), c.scheme());
        QuantizedTensor maxAbs = Quantizer.quantize(c.weights(), c.shape(), c.axis(), withRule(c.scheme(), ScaleRule.MAX_ABS));
        float[] values = q.dequantize();
        ChannelLayout layout = ChannelLayout.of(c.shape(), q.channelAxis());
        float[] table = c.scheme() instanceof Scheme.Pow2 p ? Pow2Levels.table(p.bits()) : null;
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int ch = 0; ch < layout.channels(); ch++) {
                float scale = q.scales()[ch];
                assertTrue(scale <= maxAbs.scales()[ch], "scale " + scale + " above max-abs " + maxAbs.scales()[ch]);
                for (int i = 0; i < layout.inner(); i++, index++) {
                    int code = q.code(index);
                    float expected;
                    if (c.scheme() instanceof Scheme.Uniform u) {
                        int lo = u.symmetric() ? -((1 << (u.bits() - 1)) - 1) : 0;
                        int hi = u.symmetric() ? (1 << (u.bits() - 1)) - 1 : (1 << u.bits()) - 1;
                        assertTrue(code >= lo && code <= hi, "code " + code);
                        int zeroPoint = u.symmetric() ? 0 : q.zeroPoints()[ch];
                        expected = (float) (code - zeroPoint) * scale;
                    } else {
                        assertTrue(code >= 0 && code < table.length, "code " + code);
                        expected = table[code] * scale;
                    }
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(values[index]), "value " + index);
                }
            }
        }
    }

    @Property(tries = 400)
    void rulesAreDeterministicAndSymmetricOnesIdempotent(@ForAll("ruleCases") Case c) {
        QuantizedTensor once = Quantizer.quantize(c.weights(), c.shape(), c.axis(), c.scheme());
        QuantizedTensor twice = Quantizer.quantize(c.weights().clone(), c.shape(), c.axis(), c.scheme());
        assertArrayEquals(once.scales(), twice.scales());
        assertArrayEquals(once.dequantize(), twice.dequantize());
        boolean symmetric = !(c.scheme() instanceof Scheme.Uniform u) || u.symmetric();
        if (symmetric) {
            // the dequantized weights sit on the chosen grid: zero error at ratio 1 for mse, and the
            // percentile of the clipped magnitudes is the top level, so the same scale comes back
            float[] values = once.dequantize();
            float[] again = Quantizer.quantize(values, c.shape(), c.axis(), c.scheme()).dequantize();
            assertArrayEquals(values, again);
        }
    }

    @Property(tries = 300)
    void percentileClipsAtMostTheGivenShareOfEachChannel(@ForAll("percentileCases") Case c) {
        QuantizedTensor q = Quantizer.quantize(c.weights(), c.shape(), c.axis(), c.scheme());
        double fraction = ((ScaleRule.Percentile) ((Scheme.Uniform) c.scheme()).scale()).fraction();
        ChannelLayout layout = ChannelLayout.of(c.shape(), q.channelAxis());
        int qmax = (1 << (c.scheme().bits() - 1)) - 1;
        for (int ch = 0; ch < layout.channels(); ch++) {
            float[] values = ScaleSelection.channel(c.weights(), layout, ch);
            float top = (float) qmax * q.scales()[ch];
            long above = 0;
            for (float v : values) {
                above += Math.abs(v) > top * (1 + 1e-6) ? 1 : 0;
            }
            assertTrue(above <= Math.floor((1 - fraction) * values.length) + 1e-9,
                    "channel " + ch + ": " + above + " of " + values.length + " beyond the top level");
        }
    }

    @Property(tries = 500)
    void idsRoundTrip(@ForAll("ruleCases") Case c) {
        assertEquals(c.scheme(), Scheme.parse(c.scheme().id()));
    }

    @Property(tries = 2000)
    void anyScaleFieldParsesToItsOwnIdOrFailsWithOneUserError(@ForAll("fields") String field) {
        String text = "uniform4:" + field;
        try {
            assertEquals(text, Scheme.parse(text).id());
        } catch (UserInputException e) {
            // the message is one line: line breaks quoted from the input appear escaped
            String quoted = ("unknown scale rule '" + field + "' in '" + text + "'").replace("\r", "\\r")
                    .replace("\n", "\\n");
            assertTrue(e.getMessage().startsWith(quoted), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void scaleFieldsAsWritten() {
        assertEquals(new Scheme.Uniform(4, true, true, ScaleRule.MSE), Scheme.parse("uniform4:mse"));
        assertEquals(new Scheme.Pow2(4, true, new ScaleRule.Percentile(99_900)), Scheme.parse("pow2-4:p99.9"));
        assertEquals(new Scheme.Uniform(8, false, false, new ScaleRule.Percentile(99_000)), Scheme.parse("uniform8-asym-tensor:p99"));
        assertEquals("p99.99", ((Scheme.Pow2) Scheme.parse("pow2-3:p99.99")).scale().id());
        assertEquals(Scheme.parse("uniform4"), new Scheme.Uniform(4, true, true, ScaleRule.MAX_ABS));
        for (String bad : List.of("uniform4:", "uniform4:MSE", "uniform4:p100", "uniform4:p49.9", "uniform4:p99.90",
                "uniform4:p099", "uniform4:mse:p99", "pow2-4:max", "uniform4:p99.", "uniform4:p 99")) {
            UserInputException e = assertThrows(UserInputException.class, () -> Scheme.parse(bad), bad);
            assertTrue(e.getMessage().contains("unknown scale rule"), e.getMessage());
        }
        UserInputException lineBreak = assertThrows(UserInputException.class, () -> Scheme.parse("uniform4:\r\n"));
        assertTrue(lineBreak.getMessage().startsWith("unknown scale rule '\\r\\n' in 'uniform4:\\r\\n'"),
                lineBreak.getMessage());
        assertEquals(1, lineBreak.getMessage().lines().count());
        UserInputException floats = assertThrows(UserInputException.class, () -> Scheme.parse("float32:mse"));
        assertTrue(floats.getMessage().startsWith("unknown quantization scheme 'float32:mse'"), floats.getMessage());
    }

    /** On outlier-heavy weights mse and percentile cut the error max-abs leaves (the reason they exist). */
    @Test
    void clippingPaysOnWeightsWithOutliers() {
        java.util.Random random = new java.util.Random(7);
        float[] w = new float[4096];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.02f;
        }
        w[17] = 0.5f; // one outlier, 25 standard deviations out
        int[] shape = {4096};
        double maxAbs = totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("uniform4-tensor")));
        double mse = totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("uniform4-tensor:mse")));
        double p999 = totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("uniform4-tensor:p99.9")));
        assertTrue(mse < maxAbs / 3, mse + " vs " + maxAbs);
        assertTrue(p999 < maxAbs / 2, p999 + " vs " + maxAbs);
        // pow2-4's levels span 2^-6 of the scale, so bell-shaped weights gain almost nothing (measured: 0.03%);
        // pow2-3 spans 2^-2 only, and flat weights under an outlier fall between zero and the lowest level
        double pow2Bell = totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("pow2-4-tensor")));
        assertTrue(totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("pow2-4-tensor:mse"))) <= pow2Bell);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() * 0.2 - 0.1);
        }
        w[17] = 0.5f;
        double pow2 = totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("pow2-3-tensor")));
        double pow2Mse = totalError(w, Quantizer.quantize(w, shape, -1, Scheme.parse("pow2-3-tensor:mse")));
        assertTrue(pow2Mse < pow2 / 2, pow2Mse + " vs " + pow2);
    }

    // ---- generators ----

    @Provide
    Arbitrary<Case> mseCases() {
        Arbitrary<Scheme> schemes = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(2, 8), Arbitraries.of(true, false), Arbitraries.of(true, false))
                        .as((bits, symmetric, perChannel) -> new Scheme.Uniform(bits, symmetric, perChannel, ScaleRule.MSE)),
                Combinators.combine(Arbitraries.integers().between(2, 6), Arbitraries.of(true, false))
                        .as((bits, perChannel) -> new Scheme.Pow2(bits, perChannel, ScaleRule.MSE)));
        return cases(schemes);
    }

    @Provide
    Arbitrary<Case> percentileCases() {
        return cases(Combinators.combine(Arbitraries.integers().between(2, 8), Arbitraries.of(true, false), percentiles())
                .as((bits, perChannel, p) -> new Scheme.Uniform(bits, true, perChannel, p)));
    }

    @Provide
    Arbitrary<Case> ruleCases() {
        Arbitrary<ScaleRule> rules = Arbitraries.oneOf(Arbitraries.just(ScaleRule.MSE), percentiles());
        Arbitrary<Scheme> schemes = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(2, 16), Arbitraries.of(true, false), Arbitraries.of(true, false), rules)
                        .as(Scheme.Uniform::new),
                Combinators.combine(Arbitraries.integers().between(2, 8), Arbitraries.of(true, false), rules)
                        .as(Scheme.Pow2::new));
        return cases(schemes);
    }

    @Provide
    Arbitrary<String> fields() {
        Arbitrary<String> near = Arbitraries.strings().withChars("pm.s0123456789e:-").ofMinLength(0).ofMaxLength(8);
        return Arbitraries.oneOf(near, Arbitraries.strings().ofMaxLength(6),
                Arbitraries.integers().between(40_000, 100_000).map(t -> "p" + t / 1000 + "." + t % 1000));
    }

    private static Arbitrary<ScaleRule> percentiles() {
        return Arbitraries.integers().between(ScaleRule.Percentile.MIN, ScaleRule.Percentile.MAX).map(ScaleRule.Percentile::new);
    }

    private static Arbitrary<Case> cases(Arbitrary<Scheme> schemes) {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(1, 6).list().ofMinSize(1).ofMaxSize(3)
                .map(dims -> dims.stream().mapToInt(Integer::intValue).toArray());
        return shapes.flatMap(shape -> Combinators.combine(Arbitraries.integers().between(-1, shape.length - 1), schemes,
                weights(Arrays.stream(shape).reduce(1, (a, b) -> a * b))).as((axis, scheme, w) -> new Case(w, shape, axis, scheme)));
    }

    private static Arbitrary<float[]> weights(int n) {
        Arbitrary<float[]> bell = Combinators.combine(Arbitraries.randoms(), Arbitraries.integers().between(-30, 10),
                Arbitraries.doubles().between(0, 0.2)).as((random, exponent, outlierShare) -> {
                    float[] w = new float[n];
                    for (int i = 0; i < n; i++) {
                        double g = random.nextGaussian();
                        w[i] = Math.scalb((float) (random.nextDouble() < outlierShare ? g * 10 : g), exponent);
                    }
                    return w;
                });
        Arbitrary<float[]> flat = Arbitraries.floats().between(-3f, 3f).list().ofSize(n).map(list -> {
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = list.get(i);
            }
            return w;
        });
        return Arbitraries.frequencyOf(Tuple.of(6, bell), Tuple.of(3, flat), Tuple.of(1, Arbitraries.just(new float[n])));
    }

    // ---- helpers ----

    private static Scheme withRule(Scheme scheme, ScaleRule rule) {
        return scheme instanceof Scheme.Uniform u ? new Scheme.Uniform(u.bits(), u.symmetric(), u.perChannel(), rule)
                : new Scheme.Pow2(scheme.bits(), scheme.perChannel(), rule);
    }

    private static double[] channelErrors(Case c, QuantizedTensor q) {
        ChannelLayout layout = ChannelLayout.of(c.shape(), q.channelAxis());
        float[] values = q.dequantize();
        double[] errors = new double[layout.channels()];
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int ch = 0; ch < layout.channels(); ch++) {
                for (int i = 0; i < layout.inner(); i++, index++) {
                    double d = (double) c.weights()[index] - values[index];
                    errors[ch] += d * d;
                }
            }
        }
        return errors;
    }

    private static double totalError(float[] w, QuantizedTensor q) {
        float[] values = q.dequantize();
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            double d = (double) w[i] - values[i];
            sum += d * d;
        }
        return sum;
    }
}
