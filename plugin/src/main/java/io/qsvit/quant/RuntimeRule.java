package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.qsvit.model.Layer;

import java.util.List;

/**
 * Chooses each layer's {@link RuntimeForm}. A rule, not a timing taken while apply runs: the same model and
 * setting always give the same bytes (and the cache stays valid), while the measurements behind the rule live in
 * {@code qsvit benchmark --suite runtime}, which times both forms of every layer of the reference models and the
 * 55M-weight synthetic model and reports where the rule and the measurement disagree.
 * <p>
 * On ONNX Runtime's CPU kernels (1.23, 2-core AMD EPYC with AVX-512 VNNI) the integer form of a spike-input
 * layer won when the layer is a pointwise (1x1, group 1) Conv or a MatMul with a fan-in of at least
 * {@value #MIN_FAN_IN}: the int8 product then outweighs the Cast, Mul and Add passes over the output the integer
 * form adds. 3x3 ConvInteger (im2col, one image at a time) and grouped ConvInteger (one group at a time) lost
 * to the float NCHWc convolutions at every size measured, and so did fan-ins of 16 to 64.
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

    private RuntimeRule() {
    }

    /** A one-line statement of the rule, recorded in apply's metadata. */
    public static String describe(Runtime runtime) {
        return runtime == Runtime.PORTABLE ? "dequantize form everywhere"
                : "integer form for spike-input 1x1 Conv (group 1) and MatMul layers with fan-in >= " + MIN_FAN_IN
                + " whose levels fit int8 exactly; dequantize form elsewhere";
    }

    /**
     * @param consumer  the layer's float node
     * @param transpose the Transpose between the weight and a MatMul (its only reader), or null
     * @param spikes    whether the layer's input is spikes
     */
    static RuntimeForm choose(Runtime runtime, Layer layer, QuantizedTensor q, NodeProto consumer, NodeProto transpose,
                              boolean spikes) {
        if (runtime != Runtime.ORT_CPU || !spikes || layer.encoded() || layer.fromConstant() || layer.weightInput() != 1
                || !levelsFit(q) || consumer == null) {
            return RuntimeForm.DEQUANTIZE;
        }
        int[] dims = layer.dims();
        long fanIn;
        if (layer.opType().equals("Conv") && layer.via().isEmpty()) {
            if (intAttribute(consumer, "group", 1) != 1 || dims.length < 3 || !consumer.getOutput(0).equals(layer.output())) {
                return RuntimeForm.DEQUANTIZE;
            }
            for (int i = 2; i < dims.length; i++) {
                if (dims[i] != 1) {
                    return RuntimeForm.DEQUANTIZE;
                }
            }
            fanIn = dims[1];
        } else if (layer.opType().equals("MatMul") && dims.length == 2
                && (layer.via().isEmpty() || layer.via().equals(List.of("Transpose")) && transpose != null)) {
            fanIn = transpose == null ? dims[0] : dims[1];
        } else {
            return RuntimeForm.DEQUANTIZE;
        }
        int maxLevel = q.scheme() instanceof Scheme.Pow2 p ? 1 << (Pow2Levels.magnitudes(p.bits()) - 1) : 127;
        if (fanIn < MIN_FAN_IN || fanIn * maxLevel >= EXACT_SUM) {
            return RuntimeForm.DEQUANTIZE;
        }
        return RuntimeForm.INTEGER;
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

    private static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }
}
