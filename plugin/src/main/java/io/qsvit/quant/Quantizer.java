package io.qsvit.quant;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Objects;

/**
 * Quantizes one weight tensor under a {@link Scheme}. The formulas, per channel (or for the whole tensor),
 * where fl(x) is x rounded to the nearest float32:
 * <ul>
 * <li><b>Rounding</b> is half-to-even ({@link Math#rint}), the same as ONNX QuantizeLinear.</li>
 * <li><b>Uniform symmetric, b bits</b>: qmax = 2^(b-1) - 1; scale = fl(maxAbs / qmax);
 *     code = clamp(rint(fl(w / scale)), -qmax, qmax); zero point 0. So at most 2^b - 1 levels.</li>
 * <li><b>Uniform asymmetric, b bits</b>: lo = min(min(w), 0), hi = max(max(w), 0);
 *     scale = fl((hi - lo) / (2^b - 1)) (difference and quotient in double);
 *     zeroPoint = clamp(rint(fl(-lo / scale)), 0, 2^b - 1);
 *     code = clamp(rint(fl(w / scale)) + zeroPoint, 0, 2^b - 1). Zero is exactly representable.</li>
 * <li><b>Dequantized value</b>, both uniform kinds: value = (float) (code - zeroPoint) * scale, an int
 *     subtraction, a conversion and one float multiply: exactly what ONNX DequantizeLinear computes, so a
 *     simulated (fake-quant) model and a real one with DequantizeLinear hold bit-identical weights.</li>
 * <li><b>Zero channels</b>: a channel (or tensor) whose values are all zero gets scale 1.0, and its codes
 *     equal its zero point, so it dequantizes to 0. A uniform scale that would be subnormal (below 2^-126,
 *     about 1.2e-38) is raised to {@link Float#MIN_NORMAL}, see {@code UniformQuantizer}.</li>
 * <li><b>Pow2, b bits</b>: n = 2^(b-1) - 1 magnitudes; levels 0 and +-scale * 2^-j for j = 0..n-1, that is
 *     2n + 1 = 2^b - 1 levels; scale = maxAbs. Each weight goes to the nearest level in linear value, the
 *     levels taken as the floats dequantization produces; a weight exactly halfway between two levels goes
 *     to the larger magnitude. Codes index {@link Pow2Levels#table}: value = table[code] * scale, one float
 *     multiply, as Gather(table, code) then Mul computes it in a real artifact.</li>
 * <li><b>Fixed point Qm.n</b>: code = overflow(round(w * 2^n)), value = (float) code * 2^-n; the rounding and
 *     overflow rules are in {@link FixedPointQuantizer}.</li>
 * <li><b>Float32</b>: values bit-identical to the input (NaN payloads and -0.0 included), no codes.</li>
 * </ul>
 * <b>Idempotence</b>: symmetric uniform and pow2 quantization give back the same weights, bit for bit, when
 * run on their own dequantized weights: the largest value, fl(qmax * scale) resp. fl(1 * scale), yields the
 * same scale again (for symmetric uniform a property of fl(maxAbs / qmax) that the tests check over a whole
 * binade; a subnormal scale would lose it, hence the floor). Asymmetric uniform is not idempotent from
 * scratch: the range recomputed from the dequantized weights need not give the same scale (when -lo / scale
 * lies exactly halfway, half-to-even rounding can leave the top code unused, and the range shrinks by half a
 * step). What it keeps is a fixed grid: encoding the dequantized weights with the same scale and zero point
 * gives the same codes.
 * <p>
 * <b>Channel axis</b>: per-channel means one scale (and zero point) per index along the output-channel
 * axis, wherever it is (axis 0 of a Conv weight [M, C, kH, kW], axis 1 of a MatMul weight [K, N]). An axis
 * of -1 (unknown) makes a per-channel scheme per-tensor.
 * <p>
 * Quantizing needs finite weights: a NaN or infinite weight is the model's problem, reported as a
 * {@link UserInputException} naming the tensor and the element. Uniform schemes also refuse magnitudes
 * beyond Float.MAX_VALUE / 2 (about 1.7e38): there the rounded scale can put the top level past
 * Float.MAX_VALUE, and a finite weight would dequantize to infinity.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** As {@link #quantize(String, float[], int[], int, Scheme)}, for a tensor without a name. */
    public static QuantizedTensor quantize(float[] weights, int[] shape, int channelAxis, Scheme scheme) {
        return quantize("weight tensor", weights, shape, channelAxis, scheme);
    }

    /**
     * Quantizes {@code weights}, row-major in {@code shape}, along {@code channelAxis} (or -1).
     *
     * @param name how error messages call the tensor, e.g. its initializer name
     */
    public static QuantizedTensor quantize(String name, float[] weights, int[] shape, int channelAxis,
                                           Scheme scheme) {
        Objects.requireNonNull(scheme, "scheme");
        long size = ChannelLayout.elementCount(shape);
        if (weights.length != size) {
            throw new IllegalArgumentException(weights.length + " weights for shape " + Arrays.toString(shape));
        }
        int axis = ChannelLayout.effectiveAxis(scheme, shape, channelAxis);
        ChannelLayout layout = ChannelLayout.of(shape, axis);
        if (scheme instanceof Scheme.Uniform uniform) {
            return uniform.symmetric()
                    ? UniformQuantizer.symmetric(uniform, weights, shape, axis, layout, name)
                    : UniformQuantizer.asymmetric(uniform, weights, shape, axis, layout, name);
        }
        if (scheme instanceof Scheme.Pow2 pow2) {
            return Pow2Quantizer.quantize(pow2, weights, shape, axis, layout, name);
        }
        if (scheme instanceof Scheme.Fixed fixed) {
            return FixedPointQuantizer.quantize(fixed, weights, shape, name);
        }
        return QuantizedTensor.float32(shape, weights);
    }

    /**
     * Throws unless a channel statistic lies within +-limit, naming the first weight outside it; the
     * statistics carry NaN and infinities through, so the weights are searched only when one is there.
     */
    static void requireWithin(float limit, float statistic, float[] weights, String name, Scheme scheme) {
        if (Math.abs(statistic) <= limit) {
            return;
        }
        for (int i = 0; i < weights.length; i++) {
            float w = weights[i];
            if (!(Math.abs(w) <= limit)) {
                String why = Float.isFinite(w)
                        ? ", beyond the magnitude " + limit + " whose dequantized values stay finite"
                        : " (quantization needs finite weights)";
                throw new UserInputException(
                        "cannot quantize " + name + " to " + scheme.id() + ": weight " + i + " is " + w + why);
            }
        }
        throw new IllegalStateException("statistic " + statistic + " outside +-" + limit + " from weights within");
    }
}
