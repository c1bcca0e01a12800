package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Layer;
import io.qsvit.model.OnnxWriter;
import io.qsvit.model.PackedCodes;
import io.qsvit.model.UnpackChain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The portable run-time form of one quantized weight: its codes, stored at their own width, decoded by standard
 * operators into the float32 weight the layer's own operator reads, under the weight's name (consumers are
 * untouched). Codes of 2 to 7 bits are packed b bits each and unpacked by an {@link UnpackChain} to one uint8
 * each (symmetric codes biased by 2^(b-1) - 1, fixed-point ones by 2^(b-1), to make them unsigned); 8- and 16-bit
 * codes are stored as INT8/UINT8 and INT16/UINT16 tensors, 17- to 32-bit fixed-point codes as INT32. Then:
 * <pre>
 *   uniform: Cast(float) -> [Sub(zero point) ->] Mul(scale) -> W   (per-channel broadcast; no zero point for signed codes)
 *   fixed:   the same, with one scale 2^-n
 *   pow2:    Cast(int64) -> Gather(table of unit levels) -> Mul(scale) -> W
 * </pre>
 * Both compute the simulated weights bit for bit: float(code - zero point) * scale and table[code] * scale. Every
 * input is a constant, so ONNX Runtime folds the decode when it loads the model and the layer runs the simulated
 * model's float kernel on the simulated model's weights: same logits (but float weights in memory at run time).
 */
final class DequantizeForm {
    private DequantizeForm() {
    }

    static LayerDecode of(Layer layer, QuantizedTensor q, Map<String, TensorProto> shared) {
        LayerDecode d = new LayerDecode(RuntimeForm.DEQUANTIZE);
        String w = layer.tensorName();
        String codes = w + ".qcodes";
        if (isPacked(q.scheme())) {
            int bits = q.scheme().bits();
            d.tensors.add(tensor(codes, OnnxDataType.UINT8, new int[] {(int) PackedCodes.bytes(q.size(), bits)},
                    PackedCodes.pack(unsignedCodes(q), bits)));
            codes = w + ".qunpacked";
            UnpackChain.Built unpack = UnpackChain.build(w + ".qcodes", codes, bits, q.shape(), shared);
            d.tensors.addAll(unpack.tensors());
            d.nodes.addAll(unpack.nodes());
        } else {
            d.tensors.add(tensor(codes, q.scheme().onnxDataType(), q.shape(), q.packedCodes()));
        }
        if (q.scheme() instanceof Scheme.Pow2 pow2) {
            pow2(d, w, codes, pow2, q);
        } else {
            uniform(d, w, codes, q);
        }
        return d;
    }

    /** Codes of fewer than 8 bits are packed; 8-bit ones fill their bytes and 9- to 16-bit ones take 16. */
    static boolean isPacked(Scheme scheme) {
        return scheme.bits() < 8;
    }

    /**
     * The unsigned codes packing stores: symmetric uniform codes plus 2^(b-1) - 1, fixed-point codes plus
     * 2^(b-1), every other kind as it is.
     */
    static int[] unsignedCodes(QuantizedTensor q) {
        int bias = bias(q.scheme());
        int[] codes = new int[q.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = q.code(i) + bias;
        }
        return codes;
    }

    static int bias(Scheme scheme) {
        if (scheme instanceof Scheme.Fixed f) {
            return 1 << (f.bits() - 1); // two's complement codes from -2^(b-1): all 2^b of them are used
        }
        return scheme instanceof Scheme.Uniform u && u.symmetric() ? (1 << (u.bits() - 1)) - 1 : 0;
    }

    /**
     * Cast(float) [-> Sub(zero point)] -> Mul(scale): (float) code, minus the zero point (exact: small integers),
     * times the scale, one rounding: DequantizeLinear's float(code - zero point) * scale, bit for bit. Not
     * DequantizeLinear itself: ONNX Runtime keeps that node at run time (it waits for a QDQ fusion), so the layer
     * would read a computed weight through a different float kernel than the simulated model's, whose sums round
     * differently; a spike threshold then flips now and then (measured: 2.7% of a logit on one of 2,000 images).
     * Cast, Sub and Mul of constants are folded when the model loads, into the simulated model's float weight.
     */
    private static void uniform(LayerDecode d, String w, String codes, QuantizedTensor q) {
        int[] dims = broadcastDims(q);
        d.tensors.add(floats(w + ".qscale", dims, q.scales()));
        d.nodes.add(node("Cast", "qsvit/decode/cast/" + w, w + ".qfloat", codes)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.FLOAT_VALUE)).build());
        String centred = w + ".qfloat";
        boolean packed = isPacked(q.scheme());
        if (packed || q.scheme() instanceof Scheme.Uniform u && !u.symmetric()) {
            int[] zeroPoints = q.zeroPoints().length > 0 ? q.zeroPoints() : new int[q.scales().length];
            float[] zero = new float[zeroPoints.length];
            int bias = bias(q.scheme());
            for (int i = 0; i < zero.length; i++) {
                zero[i] = zeroPoints[i] + bias;
            }
            d.tensors.add(floats(w + ".qzero", dims, zero));
            d.nodes.add(node("Sub", "qsvit/decode/zero/" + w, w + ".qcentred", centred, w + ".qzero").build());
            centred = w + ".qcentred";
        }
        d.nodes.add(node("Mul", "qsvit/decode/scale/" + w, w, centred, w + ".qscale").build());
    }

    /**
     * Codes are indices into the table of unit levels: Cast makes them int64, Gather looks the levels up, Mul
     * applies the (per-channel) scale.
     */
    private static void pow2(LayerDecode d, String w, String codes, Scheme.Pow2 scheme, QuantizedTensor q) {
        float[] table = Pow2Levels.table(scheme.bits());
        d.tensors.add(floats(w + ".qtable", new int[] {table.length}, table));
        d.tensors.add(floats(w + ".qscale", broadcastDims(q), q.scales()));
        d.nodes.add(node("Cast", "qsvit/pow2/cast/" + w, w + ".qindex", codes)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.INT64_VALUE)).build());
        d.nodes.add(node("Gather", "qsvit/pow2/levels/" + w, w + ".qunit", w + ".qtable", w + ".qindex").build());
        d.nodes.add(node("Mul", "qsvit/pow2/scale/" + w, w, w + ".qunit", w + ".qscale").build());
    }

    /** Scale dims of the weight's rank, 1 except along the channel axis: broadcasts per channel. */
    static int[] broadcastDims(QuantizedTensor q) {
        int rank = q.shape().length;
        int[] dims = new int[q.channelAxis() < 0 ? 0 : rank];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i == q.channelAxis() ? q.scales().length : 1;
        }
        return dims;
    }

    static NodeProto.Builder node(String op, String name, String output, String... inputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String input : inputs) {
            b.addInput(input);
        }
        return b;
    }

    static TensorProto tensor(String name, int dataType, int[] dims, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType).setRawData(OnnxWriter.wrap(raw));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto floats(String name, int[] dims, float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, bytes.array());
    }
}
