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
 * The run-time forms of a Conv or MatMul whose input is spikes, computed as its integer levels K through the
 * operator, then times the per-channel scale (and plus the Conv's bias), as the simulated model computes it too
 * ({@link #simulated}). The codes are stored as in the {@link DequantizeForm}; at load, constant folding turns them
 * into K = code - zero point (or the pow2 level times 2^(n-1), an integer for 2 to 4 bits), then:
 * <ul>
 *   <li>{@link RuntimeForm#INTEGER} ({@link IntegerUnit} shows the graph): K + 128 as uint8 for ConvInteger (ONNX
 *       Runtime's CPU ConvInteger takes uint8 weights only, with one zero point, here 128) or K as int8 for
 *       MatMulInteger, on the spikes as uint8; the int32 sum is exact and so is its Cast to float below 2^24 (the
 *       rule checks the bound);</li>
 *   <li>{@link RuntimeForm#LEVELS}: K as float through the float operator: every partial sum of 0/1 inputs times
 *       integers is an integer below 2^24, exact in float32 in any order and with any kernel.</li>
 * </ul>
 * Either way the one multiply by the scale (pow2: scale * 2^-(n-1), exact) rounds once, on the same exact sum:
 * the simulated, levels and integer forms give the same bits. Where a float operator computes the sums, the scale
 * is an overridable initializer ({@link #overridable}), so that ONNX Runtime's Conv-Mul fusion, which would fold it
 * back into the weights, does not apply.
 */
final class IntegerForm {
    static final String SHIFT = "qsvit/int/128";
    static final String WEIGHT_ZERO = "qsvit/int/zero_point_128";

    private IntegerForm() {
    }

    /**
     * @param form      {@link RuntimeForm#INTEGER} or {@link RuntimeForm#LEVELS}
     * @param consumer  the float Conv or MatMul node
     * @param transpose the Transpose between the stored weight and the MatMul, or null
     */
    static LayerDecode of(RuntimeForm form, Layer layer, QuantizedTensor q, NodeProto consumer, NodeProto transpose,
                          Map<String, TensorProto> shared) {
        LayerDecode d = new LayerDecode(form);
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
        if (q.scheme() instanceof Scheme.Pow2 pow2) {
            float[] table = Pow2Levels.table(pow2.bits());
            int[] levels = new int[table.length];
            for (int i = 0; i < table.length; i++) {
                levels[i] = (int) Math.scalb(table[i], q.levelShift());
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
        d.tensors.add(DequantizeForm.floats(w + ".qscale", scaleDims(layer, q), q.levelScales()));
        List<NodeProto> unit = new ArrayList<>();
        NodeProto.Builder kernel = consumer.toBuilder().clearInput().clearOutput().addOutput(y + ".qacc");
        boolean integer = form == RuntimeForm.INTEGER;
        if (integer) {
            unit.add(cast(y + ".qx8", layer.dataInput(), TensorProto.DataType.UINT8_VALUE));
        }
        if (conv && integer) {
            shared.computeIfAbsent(SHIFT, n -> int32s(n, new int[0], 128));
            shared.computeIfAbsent(WEIGHT_ZERO, n -> DequantizeForm.tensor(n, OnnxDataType.UINT8, new int[0], new byte[] {(byte) 128}));
            d.nodes.add(DequantizeForm.node("Add", "qsvit/int/shift/" + w, w + ".qshifted", w, SHIFT).build());
            d.nodes.add(cast(w + ".qw8", w + ".qshifted", TensorProto.DataType.UINT8_VALUE));
            kernel.setOpType("ConvInteger").addInput(y + ".qx8").addInput(w + ".qw8").addInput("").addInput(WEIGHT_ZERO);
        } else {
            String b = w + (integer ? ".qb8" : ".qlevelsf");
            d.nodes.add(cast(b, w, integer ? TensorProto.DataType.INT8_VALUE : TensorProto.DataType.FLOAT_VALUE));
            if (transpose != null) {
                d.nodes.add(transpose.toBuilder().setInput(0, b).build()); // same name, perm and output, K's type now
                d.replacements.put(transpose.getOutput(0), List.of());
                b = transpose.getOutput(0);
            }
            kernel.setOpType(integer ? "MatMulInteger" : consumer.getOpType())
                    .addInput(integer ? y + ".qx8" : layer.dataInput()).addInput(b);
        }
        unit.add(kernel.build());
        String acc = y + ".qacc";
        if (integer) {
            unit.add(cast(y + ".qaccf", acc, TensorProto.DataType.FLOAT_VALUE));
            acc = y + ".qaccf";
        }
        unit.addAll(scaleAndBias(layer, consumer, acc, w + ".qscale", q.shape().length, shared));
        d.replacements.put(y, unit);
        return d;
    }

    /**
     * What the simulated model holds for a layer the rule splits: its weight initializer holds the levels K as
     * floats ({@link QuantizedTensor#levelsInto}), and its node becomes the float operator without the bias, then
     * Mul by the scale and Add of the bias, as in {@link RuntimeForm#LEVELS}.
     *
     * @param shared tensors several layers of the simulated model share (the bias shape)
     */
    static Simulated simulated(Layer layer, QuantizedTensor q, NodeProto consumer, Map<String, TensorProto> shared) {
        String w = layer.tensorName();
        return new Simulated(DequantizeForm.floats(w + ".qscale", scaleDims(layer, q), q.levelScales()),
                Map.of(layer.output(), floatUnit(layer, consumer, w + ".qscale", q.shape().length, shared)));
    }

    /** The float operator on the levels without its bias, Mul by the scale, Add of the bias (the simulated form). */
    static List<NodeProto> floatUnit(Layer layer, NodeProto consumer, String scale, int outputRank,
                                     Map<String, TensorProto> shared) {
        String y = layer.output();
        NodeProto.Builder kernel = consumer.toBuilder().clearOutput().addOutput(y + ".qacc");
        if (layer.opType().equals("Conv") && kernel.getInputCount() > 2) {
            kernel.clearInput().addInput(consumer.getInput(0)).addInput(consumer.getInput(1));
        }
        List<NodeProto> unit = new ArrayList<>();
        unit.add(kernel.build());
        unit.addAll(scaleAndBias(layer, consumer, y + ".qacc", scale, outputRank, shared));
        return unit;
    }

    /**
     * The scale as a graph input with the scale as its default (an overridable initializer, IR 4+): ONNX Runtime
     * neither folds it into the weights (its Conv-Mul fusion takes constant scales in either operand order, and
     * would bring back the rounded sums of K * scale) nor treats it as a constant anywhere else. Used where the
     * float operator computes the sums (simulated model, levels form); the integer kernels need no such guard.
     */
    static ai.onnx.proto.OnnxMl.ValueInfoProto overridable(TensorProto scale) {
        ai.onnx.proto.OnnxMl.TensorShapeProto.Builder shape = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
        for (long d : scale.getDimsList()) {
            shape.addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(scale.getName())
                .setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor
                        .newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** The simulated model's scale tensor, and the nodes that replace the layer's node (keyed by its output). */
    record Simulated(TensorProto scale, Map<String, List<NodeProto>> replacements) {
    }

    /** Mul(acc, scale) -> y, or for a Conv with bias Mul -> Add(., Reshape(bias, [1, -1, 1, ...])) -> y. */
    private static List<NodeProto> scaleAndBias(Layer layer, NodeProto consumer, String acc, String scale, int outputRank,
                                                Map<String, TensorProto> shared) {
        String y = layer.output();
        boolean hasBias = layer.opType().equals("Conv") && consumer.getInputCount() > 2 && !consumer.getInput(2).isEmpty();
        List<NodeProto> unit = new ArrayList<>();
        unit.add(DequantizeForm.node("Mul", "qsvit/int/scale/" + y, hasBias ? y + ".qscaled" : y, scale, acc).build());
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
        return unit;
    }

    /**
     * Conv: [1, C, 1, 1] (per-tensor [1, 1, 1, 1]), of the output's rank: ONNX Runtime's Conv-Mul fusion takes a
     * scalar or a [C, 1, 1] one and would fold the scale into the weights. MatMul: [N], or a scalar (a scalar Mul may
     * become FusedMatMul's alpha, which multiplies the same exact sum once).
     */
    private static int[] scaleDims(Layer layer, QuantizedTensor q) {
        int channels = q.scales().length;
        if (layer.opType().equals("Conv")) {
            return channelDims(q.shape().length, channels);
        }
        return q.channelAxis() < 0 ? new int[0] : new int[] {channels};
    }

    /** [1, channels, 1, ...] of the given rank: a Conv output's per-channel broadcast shape. */
    static int[] channelDims(int rank, int channels) {
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
