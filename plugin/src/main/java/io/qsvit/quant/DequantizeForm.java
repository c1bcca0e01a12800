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
 * each (symmetric codes biased by 2^(b-1) - 1 to make them unsigned); 8- and 16-bit codes are stored as INT8/UINT8
 * and INT16/UINT16 tensors. Then:
 * <pre>
 *   uniform: DequantizeLinear(codes, scale, zero point) -> W           (per-channel axis; no zero point for signed codes)
 *   pow2:    Cast(int64) -> Gather(table of unit levels) -> Mul(scale) -> W   (8-bit: DequantizeLinear(codes, 1) first)
 * </pre>
 * DequantizeLinear computes float(code - zero point) * scale and Gather then Mul computes table[code] * scale: the
 * simulated weights, bit for bit.
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

    /** The unsigned codes packing stores: symmetric uniform codes plus 2^(b-1) - 1, every other kind as it is. */
    static int[] unsignedCodes(QuantizedTensor q) {
        int bias = bias(q.scheme());
        int[] codes = new int[q.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = q.code(i) + bias;
        }
        return codes;
    }

    static int bias(Scheme scheme) {
        return scheme instanceof Scheme.Uniform u && u.symmetric() ? (1 << (u.bits() - 1)) - 1 : 0;
    }

    /** DequantizeLinear(codes, scale[, zero point]) along the channel axis. */
    private static void uniform(LayerDecode d, String w, String codes, QuantizedTensor q) {
        int[] scaleDims = q.channelAxis() < 0 ? new int[0] : new int[] {q.scales().length};
        d.tensors.add(floats(w + ".qscale", scaleDims, q.scales()));
        NodeProto.Builder dq = node("DequantizeLinear", "qsvit/dequantize/" + w, w, codes, w + ".qscale");
        boolean packed = isPacked(q.scheme());
        if (packed || q.scheme() instanceof Scheme.Uniform u && !u.symmetric()) {
            int[] zeroPoints = q.zeroPoints().length > 0 ? q.zeroPoints() : new int[q.scales().length];
            int bias = bias(q.scheme());
            Codes zero = Codes.allocate(zeroPoints.length, packed ? 8 : q.scheme().containerBits(), false);
            for (int i = 0; i < zeroPoints.length; i++) {
                zero.set(i, zeroPoints[i] + bias);
            }
            d.tensors.add(tensor(w + ".qzero", packed ? OnnxDataType.UINT8 : q.scheme().onnxDataType(), scaleDims,
                    zero.pack()));
            dq.addInput(w + ".qzero");
        }
        if (q.channelAxis() >= 0) {
            dq.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(q.channelAxis()));
        }
        d.nodes.add(dq.build());
    }

    /**
     * Codes are indices into the table of unit levels: Cast makes them int64 (8-bit codes first become exact float
     * indices by DequantizeLinear with scale 1), Gather looks the levels up, Mul applies the (per-channel) scale.
     */
    private static void pow2(LayerDecode d, String w, String codes, Scheme.Pow2 scheme, QuantizedTensor q) {
        float[] table = Pow2Levels.table(scheme.bits());
        d.tensors.add(floats(w + ".qtable", new int[] {table.length}, table));
        d.tensors.add(floats(w + ".qscale", broadcastDims(q), q.scales()));
        String index = codes;
        if (!isPacked(scheme)) {
            d.tensors.add(floats(w + ".qone", new int[0], new float[] {1f}));
            d.nodes.add(node("DequantizeLinear", "qsvit/pow2/index/" + w, w + ".qindex_f", codes, w + ".qone").build());
            index = w + ".qindex_f";
        }
        d.nodes.add(node("Cast", "qsvit/pow2/cast/" + w, w + ".qindex", index)
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
