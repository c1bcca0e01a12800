package io.qsvit.quant;

import io.qsvit.model.NodeAttributes;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.qsvit.model.Layer;

import java.util.List;

/**
 * Chooses each layer's {@link RuntimeForm} under {@link Runtime#ORT_CPU}. A rule, not a timing taken while apply
 * runs: timings on a shared machine move from run to run, and a choice that followed them would change the real
 * model's bytes under the same cache key. The measurements behind the rule were taken once, per layer shape, and
 * {@code qsvit benchmark --suite runtime} measures the outcome on whole models (both runtimes against float, on the
 * reference models and the 55.9M-weight synthetic one), so a machine where the rule is wrong shows it there.
 * <p>
 * Per layer, single-layer models with a spike input, ONNX Runtime 1.23 CPU kernels, 2 threads, 2-core AMD EPYC with
 * AVX-512 VNNI, batch 128 (integer time / float time): 1x1 Conv with fan-in 16: 0.98, 32: 0.94, 64: 0.93-1.17,
 * 96: 0.95, 128: 0.91, 256: 0.46-0.89, 384: 0.65; 3x3 Conv with fan-in 288: 1.40, 576: 1.27-1.31, 1152: 1.09.
 * So the integer form is taken for pointwise (1x1, group 1) Conv and for MatMul at a fan-in of at least
 * {@value #MIN_FAN_IN}, where the int8 product outweighs the Cast, Mul and Add passes over the output the integer
 * form adds. 3x3 ConvInteger (im2col, one image at a time) and grouped ConvInteger (one group at a time: 9x slower
 * than the float depthwise convolution measured on the SDTv2 reference model) lose to the float NCHWc convolutions.
 * <p>
 * Exactness decides before speed: the spike input (exactly 0 or 1) must be the layer's input, the integer levels
 * must fit the kernel (|K| <= 127: uniform up to 8 bits symmetric or 7 asymmetric, pow2 up to 4 bits), the int32
 * sum must stay below 2^24 so that its conversion to float is exact, and a pow2 scale times 2^-(n-1) must stay
 * a normal float.
 */
public final class RuntimeRule {
    /** Smallest fan-in (input channels of a 1x1 Conv, rows of a MatMul weight) given the integer form. */
    public static final int MIN_FAN_IN = 128;
    private static final long EXACT_SUM = 1L << 24;
    /** The measurement the rule was drawn from, recorded with every choice it makes. */
    public static final String MEASURED = "single-layer models with a spike input, ONNX Runtime 1.23 CPU kernels, "
            + "2 threads, AMD EPYC with AVX-512 VNNI, batch 128, integer time / float time: 1x1 Conv fan-in 16: 0.98, "
            + "32: 0.94, 64: 0.93-1.17, 96: 0.95, 128: 0.91, 256: 0.46-0.89, 384: 0.65; 3x3 Conv fan-in 288: 1.40, "
            + "576: 1.27-1.31, 1152: 1.09; grouped ConvInteger about 9x the float depthwise convolution";

    private RuntimeRule() {
    }

    /** A one-line statement of the rule, recorded in apply's metadata. */
    public static String describe(Runtime runtime) {
        return (runtime == Runtime.PORTABLE ? "levels form (float operator on the integer levels, then the scale)"
                : "integer form") + " for spike-input 1x1 Conv (group 1) and MatMul layers with fan-in >= " + MIN_FAN_IN
                + " whose levels fit int8 exactly, the simulated model computing them the same way; dequantize form elsewhere";
    }

    /**
     * Whether the layer is computed as K (integer levels) through its operator, then times the scale, in every form
     * of the model, the simulated one included: then the sums are exact integers whatever the kernel, and the
     * simulated, portable and integer forms give the same bits. Decided by the layer and its scheme alone.
     */
    static boolean splits(Layer layer, QuantizedTensor q, NodeProto consumer, NodeProto transpose, boolean spikes) {
        long fanIn = candidate(layer, consumer, transpose, spikes);
        if (fanIn <= 0 || !levelsFit(q)) {
            return false;
        }
        int maxLevel = q.scheme() instanceof Scheme.Pow2 p ? 1 << (Pow2Levels.magnitudes(p.bits()) - 1) : 127;
        return fanIn * maxLevel < EXACT_SUM;
    }

    /**
     * The fan-in of a layer whose shape and input qualify it for the split (a spike-input 1x1 Conv of group 1, or
     * a MatMul on a 2-D weight, directly or through a Transpose, with a fan-in of at least {@value #MIN_FAN_IN}),
     * or 0 when they do not.
     */
    static long candidate(Layer layer, NodeProto consumer, NodeProto transpose, boolean spikes) {
        if (!spikes || layer.encoded() || layer.fromConstant() || layer.weightInput() != 1 || consumer == null
                || layer.channelAxis() < 0) {
            return 0;
        }
        int[] dims = layer.dims();
        long fanIn;
        if (layer.opType().equals("Conv") && layer.via().isEmpty()) {
            if (NodeAttributes.integer(consumer, "group", 1) != 1 || dims.length < 3 || !consumer.getOutput(0).equals(layer.output())) {
                return 0;
            }
            for (int i = 2; i < dims.length; i++) {
                if (dims[i] != 1) {
                    return 0;
                }
            }
            fanIn = dims[1];
        } else if (layer.opType().equals("MatMul") && dims.length == 2
                && (layer.via().isEmpty() || layer.via().equals(List.of("Transpose")) && transpose != null)) {
            fanIn = transpose == null ? dims[0] : dims[1];
        } else {
            return 0;
        }
        return fanIn >= MIN_FAN_IN ? fanIn : 0;
    }

    /** Whether every integer level K fits int8 (|K| <= 127), and pow2 scales stay normal when divided by 2^(n-1). */
    private static boolean levelsFit(QuantizedTensor q) {
        if (q.scheme() instanceof Scheme.Uniform u) {
            return u.bits() <= (u.symmetric() ? 8 : 7);
        }
        if (q.scheme() instanceof Scheme.Pow2 p && p.bits() <= 4) {
            int top = Pow2Levels.magnitudes(p.bits()) - 1;
            for (float s : q.scales()) {
                if (Math.abs(Math.scalb(s, -top)) < Float.MIN_NORMAL) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

}
