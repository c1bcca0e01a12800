package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Layer;
import io.qsvit.model.OnnxWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The initializers and nodes that rebuild one quantized weight in a real artifact. The first tensor holds the
 * codes; the last node outputs the weight under its original name, so consumers are untouched.
 */
final class Decode {
    final List<TensorProto> tensors = new ArrayList<>();
    final List<NodeProto> nodes = new ArrayList<>();

    static Decode of(Layer layer, QuantizedTensor q) {
        Decode d = new Decode();
        String w = layer.tensorName();
        d.tensors.add(tensor(w + ".qcodes", q.scheme().onnxDataType(), q.shape(), q.packedCodes()));
        if (q.scheme() instanceof Scheme.Pow2 pow2) {
            d.pow2(w, pow2, q);
        } else {
            d.uniform(w, q);
        }
        return d;
    }

    /** DequantizeLinear(codes, scale[, zero point]) along the channel axis. */
    private void uniform(String w, QuantizedTensor q) {
        int[] scaleDims = q.channelAxis() < 0 ? new int[0] : new int[] {q.scales().length};
        tensors.add(floats(w + ".qscale", scaleDims, q.scales()));
        NodeProto.Builder dq = node("DequantizeLinear", "qsvit/dequantize/" + w, w, w + ".qcodes", w + ".qscale");
        if (q.scheme() instanceof Scheme.Uniform u && !u.symmetric()) {
            Codes zero = Codes.allocate(q.zeroPoints().length, q.scheme().containerBits(), false);
            for (int i = 0; i < q.zeroPoints().length; i++) {
                zero.set(i, q.zeroPoints()[i]);
            }
            tensors.add(tensor(w + ".qzero", q.scheme().onnxDataType(), scaleDims, zero.pack()));
            dq.addInput(w + ".qzero");
        }
        if (q.channelAxis() >= 0) {
            dq.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(q.channelAxis()));
        }
        nodes.add(dq.build());
    }

    /**
     * Codes are indices into the table of unit levels: DequantizeLinear with scale 1 turns them into exact
     * float indices, Cast makes them int64, Gather looks the levels up, Mul applies the (per-channel) scale.
     */
    private void pow2(String w, Scheme.Pow2 scheme, QuantizedTensor q) {
        int rank = q.shape().length;
        int[] scaleDims = new int[q.channelAxis() < 0 ? 0 : rank];
        for (int i = 0; i < scaleDims.length; i++) {
            scaleDims[i] = i == q.channelAxis() ? q.scales().length : 1; // broadcast along the channel axis
        }
        float[] table = Pow2Levels.table(scheme.bits());
        tensors.add(floats(w + ".qone", new int[0], new float[] {1f}));
        tensors.add(floats(w + ".qtable", new int[] {table.length}, table));
        tensors.add(floats(w + ".qscale", scaleDims, q.scales()));
        nodes.add(node("DequantizeLinear", "qsvit/pow2/index/" + w, w + ".qindex_f", w + ".qcodes", w + ".qone").build());
        nodes.add(node("Cast", "qsvit/pow2/cast/" + w, w + ".qindex", w + ".qindex_f")
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT)
                        .setI(TensorProto.DataType.INT64_VALUE)).build());
        nodes.add(node("Gather", "qsvit/pow2/levels/" + w, w + ".qunit", w + ".qtable", w + ".qindex").build());
        nodes.add(node("Mul", "qsvit/pow2/scale/" + w, w, w + ".qunit", w + ".qscale").build());
    }

    private static NodeProto.Builder node(String op, String name, String output, String... inputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String input : inputs) {
            b.addInput(input);
        }
        return b;
    }

    private static TensorProto tensor(String name, int dataType, int[] dims, byte[] raw) {
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
