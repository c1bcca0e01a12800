package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.IntegerUnit;
import io.qsvit.model.Layer;
import io.qsvit.model.PackedCodes;
import io.qsvit.model.UnpackChain;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The integer run-time form of a Conv or MatMul whose input is spikes ({@link IntegerUnit} shows the graph).
 * The codes are stored as in the {@link DequantizeForm}; at load, constant folding turns them into the kernel's
 * one-byte weight: K = code - zero point (or the pow2 level times 2^(n-1), an integer for 2 to 4 bits), then
 * K + 128 as uint8 for ConvInteger (ONNX Runtime's CPU ConvInteger takes uint8 weights only, with one zero point,
 * here 128) or K as int8 for MatMulInteger. The int32 sum is exact; Cast to float is exact below 2^24 (the rule
 * checks the bound); the one multiply by the per-channel scale (pow2: scale * 2^-(n-1), exact) follows.
 */
final class IntegerForm {
    static final String SHIFT = "qsvit/int/128";
    static final String WEIGHT_ZERO = "qsvit/int/zero_point_128";

    private IntegerForm() {
    }

    /**
     * @param consumer  the float Conv or MatMul node
     * @param transpose the Transpose between the stored weight and the MatMul, or null
     */
    static LayerDecode of(Layer layer, QuantizedTensor q, NodeProto consumer, NodeProto transpose,
                          Map<String, TensorProto> shared) {
        LayerDecode d = new LayerDecode(RuntimeForm.INTEGER);
        String w = layer.tensorName();
        boolean conv = layer.opType().equals("Conv");
        String codes = w + ".qcodes";
        if (DequantizeForm.isPacked(q.scheme())) {
            int bits = q.scheme().bits();
            d.tensors.add(DequantizeForm.tensor(codes, OnnxDataType.UINT8,
                    new int[] {(int) PackedCodes.bytes(q.size(), bits)}, PackedCodes.pack(DequantizeForm.unsignedCodes(q), bits)));
            UnpackChain.Built unpack = UnpackChain.build(codes, w + ".qunpacked", bits, q.shape(), shared);
            d.tensors.addAll(unpack.tensors());
            d.nodes.addAll(unpack.nodes());
            codes = w + ".qunpacked";
        } else {
            d.tensors.add(DequantizeForm.tensor(codes, q.scheme().onnxDataType(), q.shape(), q.packedCodes()));
        }
        float[] scales = q.scales();
        if (q.scheme() instanceof Scheme.Pow2 pow2) {
            int top = Pow2Levels.magnitudes(pow2.bits()) - 1;
            float[] table = Pow2Levels.table(pow2.bits());
            int[] levels = new int[table.length];
            for (int i = 0; i < table.length; i++) {
                levels[i] = (int) Math.scalb(table[i], top);
            }
            for (int c = 0; c < scales.length; c++) {
                scales[c] = Math.scalb(scales[c], -top);
            }
            d.tensors.add(int32s(w + ".qlevels", new int[] {levels.length}, levels));
            d.nodes.add(cast(w + ".qindex", codes, TensorProto.DataType.INT64_VALUE));
            d.nodes.add(DequantizeForm.node("Gather", "qsvit/int/levels/" + w, w, w + ".qlevels", w + ".qindex").build());
        } else {
            int bias = DequantizeForm.isPacked(q.scheme()) ? DequantizeForm.bias(q.scheme()) : 0;
            int[] zeroPoints = q.zeroPoints();
            boolean perChannel = zeroPoints.length > 1;
            int[] zero = perChannel ? new int[zeroPoints.length] : new int[] {zeroPoints.length == 0 ? bias : zeroPoints[0] + bias};
            for (int c = 0; perChannel && c < zero.length; c++) {
                zero[c] = zeroPoints[c] + bias;
            }
            d.tensors.add(int32s(w + ".qzero", perChannel ? DequantizeForm.broadcastDims(q) : new int[0], zero));
            d.nodes.add(cast(w + ".qwide", codes, TensorProto.DataType.INT32_VALUE));
            d.nodes.add(DequantizeForm.node("Sub", "qsvit/int/levels/" + w, w, w + ".qwide", w + ".qzero").build());
        }
        String y = layer.output();
        int outputRank = q.shape().length;
        int[] scaleDims = q.channelAxis() < 0 ? new int[0] : conv ? channelDims(outputRank, scales.length) : new int[] {scales.length};
        d.tensors.add(DequantizeForm.floats(w + ".qscale", scaleDims, scales));
        List<NodeProto> unit = new ArrayList<>();
        unit.add(cast(y + ".qx8", layer.dataInput(), TensorProto.DataType.UINT8_VALUE));
        NodeProto.Builder kernel = consumer.toBuilder().clearInput().clearOutput().addOutput(y + ".qacc");
        if (conv) {
            shared.computeIfAbsent(SHIFT, n -> int32s(n, new int[0], 128));
            shared.computeIfAbsent(WEIGHT_ZERO, n -> DequantizeForm.tensor(n, OnnxDataType.UINT8, new int[0], new byte[] {(byte) 128}));
            d.nodes.add(DequantizeForm.node("Add", "qsvit/int/shift/" + w, w + ".qshifted", w, SHIFT).build());
            d.nodes.add(cast(w + ".qw8", w + ".qshifted", TensorProto.DataType.UINT8_VALUE));
            kernel.setOpType("ConvInteger").addInput(y + ".qx8").addInput(w + ".qw8").addInput("").addInput(WEIGHT_ZERO);
        } else {
            d.nodes.add(cast(w + ".qb8", w, TensorProto.DataType.INT8_VALUE));
            String b = w + ".qb8";
            if (transpose != null) {
                d.nodes.add(transpose.toBuilder().setInput(0, b).build()); // same name, perm and output, int8 now
                d.replacements.put(transpose.getOutput(0), List.of());
                b = transpose.getOutput(0);
            }
            kernel.setOpType("MatMulInteger").addInput(y + ".qx8").addInput(b);
        }
        unit.add(kernel.build());
        unit.add(cast(y + ".qaccf", y + ".qacc", TensorProto.DataType.FLOAT_VALUE));
        boolean hasBias = conv && consumer.getInputCount() > 2 && !consumer.getInput(2).isEmpty();
        unit.add(DequantizeForm.node("Mul", "qsvit/int/scale/" + y, hasBias ? y + ".qscaled" : y, y + ".qaccf", w + ".qscale").build());
        if (hasBias) {
            String shape = "qsvit/int/bias_shape_r" + outputRank;
            shared.computeIfAbsent(shape, n -> {
                long[] s = new long[outputRank];
                java.util.Arrays.fill(s, 1);
                s[1] = -1;
                return int64s(n, s);
            });
            unit.add(DequantizeForm.node("Reshape", "qsvit/int/bias/" + y, y + ".qbias", consumer.getInput(2), shape).build());
            unit.add(DequantizeForm.node("Add", "qsvit/int/add_bias/" + y, y, y + ".qscaled", y + ".qbias").build());
        }
        d.replacements.put(y, unit);
        return d;
    }

    /** [1, channels, 1, ...] of the given rank: a Conv output's per-channel broadcast shape. */
    private static int[] channelDims(int rank, int channels) {
        int[] dims = new int[rank];
        java.util.Arrays.fill(dims, 1);
        dims[1] = channels;
        return dims;
    }

    private static NodeProto cast(String output, String input, int to) {
        return DequantizeForm.node("Cast", "qsvit/int/cast/" + output, output, input)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(to))
                .build();
    }

    private static TensorProto int32s(String name, int[] dims, int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bytes.putInt(v);
        }
        return DequantizeForm.tensor(name, OnnxDataType.INT32, dims, bytes.array());
    }

    private static TensorProto int64s(String name, long[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        return DequantizeForm.tensor(name, OnnxDataType.INT64, new int[] {values.length}, bytes.array());
    }
}
