package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decode nodes with which a real artifact rebuilds each quantized weight W from constant codes:
 * <pre>
 *   codes:   an initializer of typed codes shaped like W (INT8/UINT8, INT16/UINT16, INT4/UINT4, and INT32 for
 *            fixed point, decoded by Cast then Mul only), or the uint8
 *            output of an {@link UnpackChain} over codes packed b bits each (b = 2..7)
 *   uniform: Mul(Cast(float, codes) [- zero point], scale) -> W   (earlier artifacts: DequantizeLinear(codes, scale[, zero point]))
 *   pow2:    [DequantizeLinear(codes, 1) ->] Cast(int64) -> Gather(table, .) -> Mul(., scale) -> W
 *   integer: Sub(Cast(int32, codes), zero point) -> K   or   Gather(int32 levels, Cast(int64, codes)) -> K,
 *            consumed by an {@link IntegerUnit} in place of the float Conv or MatMul (an integer kernel, or the
 *            float one on Cast(float, K): the levels form)
 * </pre>
 * Recognised so that such a W is found as the same layer as in the float model, and removed where W is to
 * be supplied another way. Only these shapes, with the code types qsvit writes, are recognised: any other
 * producer (DequantizeLinear of float8 or blocked codes, say) leaves W what it was before, not a weight.
 */
public final class DecodeChains {
    private static final Set<Integer> SIGNED = Set.of(DataType.INT4_VALUE, DataType.INT8_VALUE, DataType.INT16_VALUE);
    private static final Set<Integer> UNSIGNED = Set.of(DataType.UINT4_VALUE, DataType.UINT8_VALUE, DataType.UINT16_VALUE);
    private static final Set<Integer> POW2_CODES = Set.of(DataType.UINT4_VALUE, DataType.UINT8_VALUE);
    /** Marks a scale whose shape does not broadcast along one axis of the codes. */
    private static final int NO_AXIS = -2;

    private final Map<String, TensorProto> initializers;
    private final Map<String, NodeProto> producers;
    private final Map<String, List<NodeProto>> consumers;

    DecodeChains(Map<String, TensorProto> initializers, Map<String, NodeProto> producers,
                 Map<String, List<NodeProto>> consumers) {
        this.initializers = initializers;
        this.producers = producers;
        this.consumers = consumers;
    }

    /** Codes as a decode reads them: a typed initializer, or the uint8 output of an unpack chain. */
    private record Codes(String tensor, int packedBits, int[] dims, int dataType, List<String> outputs) {
    }

    private Codes codes(String value) {
        TensorProto t = initializers.get(value);
        if (t != null) {
            return new Codes(value, 0, TensorShapes.dims(t), t.getDataType(), List.of());
        }
        UnpackChain.Packed packed = UnpackChain.recognise(value, producers::get, initializers);
        if (packed == null) {
            return null;
        }
        NodeProto reshape = producers.get(value);
        int[] dims = Arrays.stream(longs(reshape.getInput(1))).mapToInt(d -> (int) d).toArray();
        return new Codes(packed.codes(), packed.bits(), dims, DataType.UINT8_VALUE, packed.outputs());
    }

    private long[] longs(String name) {
        TensorProto t = initializers.get(name);
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[raw.remaining() / 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = raw.getLong();
        }
        return values;
    }

    /** How {@code value} is decoded from codes, or null when no decode chain produces it. */
    WeightEncoding encodingOf(String value) {
        NodeProto producer = producer(value, "DequantizeLinear");
        if (producer != null) {
            return uniform(producer);
        }
        producer = producer(value, "Mul");
        if (producer == null || producer.getInputCount() != 2) {
            return null;
        }
        return producers.containsKey(producer.getInput(0)) && producers.get(producer.getInput(0)).getOpType().equals("Gather")
                ? pow2(producer) : scaled(producer);
    }

    /** Mul(Cast(float, codes), scale), or Mul(Sub(Cast(float, codes), zero point), scale), the scales broadcasting. */
    private WeightEncoding scaled(NodeProto mul) {
        TensorProto scale = initializer(mul, 1);
        NodeProto sub = producer(mul.getInput(0), "Sub");
        TensorProto zero = sub == null || sub.getInputCount() != 2 ? null : initializer(sub, 1);
        NodeProto cast = producer(sub != null ? sub.getInput(0) : mul.getInput(0), "Cast");
        Codes codes = cast == null || NodeAttributes.integer(cast, "to", 0) != DataType.FLOAT_VALUE ? null : codes(cast.getInput(0));
        if (codes == null || !isFloat(scale) || sub != null && !isFloat(zero)) {
            return null;
        }
        // asymmetric and packed codes are unsigned with a zero point, symmetric ones signed without
        boolean types = sub != null ? UNSIGNED.contains(codes.dataType())
                : SIGNED.contains(codes.dataType()) || codes.dataType() == DataType.INT32_VALUE;
        int axis = broadcastAxis(scale, codes.dims());
        if (!types || axis == NO_AXIS || sub != null && !zero.getDimsList().equals(scale.getDimsList())) {
            return null;
        }
        List<String> outputs = new ArrayList<>(codes.outputs());
        outputs.add(cast.getOutput(0));
        if (sub != null) {
            outputs.add(sub.getOutput(0));
        }
        outputs.add(mul.getOutput(0));
        return new WeightEncoding(codes.tensor(), codes.packedBits(), codes.dims(), scale.getName(),
                sub != null ? zero.getName() : "", "", axis, outputs, false, null);
    }

    private WeightEncoding uniform(NodeProto dequantize) {
        boolean hasZero = dequantize.getInputCount() == 3 && !dequantize.getInput(2).isEmpty();
        Codes codes = dequantize.getInputCount() >= 2 ? codes(dequantize.getInput(0)) : null;
        TensorProto scale = initializer(dequantize, 1);
        TensorProto zero = hasZero ? initializer(dequantize, 2) : null;
        if (codes == null || !isFloat(scale) || dequantize.getInputCount() > 3 || hasZero && zero == null
                || !onlyAttributes(dequantize, "axis")) {
            return null;
        }
        // asymmetric (and packed) codes are unsigned with a zero point, symmetric ones signed without
        boolean types = hasZero ? UNSIGNED.contains(codes.dataType()) && zero.getDataType() == codes.dataType()
                : SIGNED.contains(codes.dataType());
        int axis = scale.getDimsCount() == 0 ? -1 : dequantizeAxis(dequantize, codes.dims(), scale);
        if (!types || axis == NO_AXIS || hasZero && !zero.getDimsList().equals(scale.getDimsList())) {
            return null;
        }
        List<String> outputs = new ArrayList<>(codes.outputs());
        outputs.addAll(dequantize.getOutputList());
        return new WeightEncoding(codes.tensor(), codes.packedBits(), codes.dims(), scale.getName(),
                hasZero ? zero.getName() : "", "", axis, outputs, false, null);
    }

    /** The axis of a 1-D scale: the node's {@code axis} attribute (default 1), its length that axis's size. */
    private static int dequantizeAxis(NodeProto dequantize, int[] dims, TensorProto scale) {
        int rank = dims.length;
        long attribute = NodeAttributes.integer(dequantize, "axis", 1);
        int axis = (int) (attribute < 0 ? attribute + rank : attribute);
        return scale.getDimsCount() == 1 && axis >= 0 && axis < rank && scale.getDims(0) == dims[axis]
                ? axis : NO_AXIS;
    }

    private WeightEncoding pow2(NodeProto mul) {
        NodeProto gather = mul.getInputCount() == 2 ? producer(mul.getInput(0), "Gather") : null;
        TensorProto scale = initializer(mul, 1);
        if (gather == null || !isFloat(scale) || gather.getInputCount() != 2 || !onlyAttributes(gather, "axis")
                || NodeAttributes.integer(gather, "axis", 0) != 0) {
            return null;
        }
        TensorProto table = initializer(gather, 0);
        NodeProto cast = producer(gather.getInput(1), "Cast");
        if (!isFloat(table) || table.getDimsCount() != 1 || !isLevelCount(table.getDims(0)) || cast == null
                || cast.getInputCount() != 1 || NodeAttributes.integer(cast, "to", 0) != DataType.INT64_VALUE) {
            return null;
        }
        List<String> outputs = new ArrayList<>();
        NodeProto index = producer(cast.getInput(0), "DequantizeLinear");
        Codes codes;
        if (index != null) { // codes in a 4- or 8-bit container, made float indices by DequantizeLinear(codes, 1)
            codes = index.getInputCount() == 2 && initializers.containsKey(index.getInput(0)) ? codes(index.getInput(0)) : null;
            if (codes == null || !isOne(initializer(index, 1)) || !onlyAttributes(index, "axis")) {
                return null;
            }
            outputs.add(index.getOutput(0));
        } else {
            codes = codes(cast.getInput(0));
            if (codes == null || codes.packedBits() == 0 && codes.dataType() != DataType.UINT8_VALUE) {
                return null;
            }
            outputs.addAll(codes.outputs());
        }
        if (!POW2_CODES.contains(codes.dataType())) {
            return null;
        }
        int axis = broadcastAxis(scale, codes.dims());
        outputs.addAll(List.of(cast.getOutput(0), gather.getOutput(0), mul.getOutput(0)));
        return axis == NO_AXIS ? null : new WeightEncoding(codes.tensor(), codes.packedBits(), codes.dims(),
                scale.getName(), "", table.getName(), axis, outputs, false, null);
    }

    /**
     * The integer levels K an {@link IntegerUnit} consumes: Sub(Cast(int32, codes), zero point) for uniform codes,
     * Gather(int32 levels, Cast(int64, codes)) for pow2 ones. The scale is the unit's, so it is left out here.
     */
    private WeightEncoding integerWeight(String value) {
        NodeProto sub = producer(value, "Sub");
        if (sub != null) {
            NodeProto cast = sub.getInputCount() == 2 ? producer(sub.getInput(0), "Cast") : null;
            TensorProto zero = initializer(sub, 1);
            Codes codes = cast == null || NodeAttributes.integer(cast, "to", 0) != DataType.INT32_VALUE ? null : codes(cast.getInput(0));
            if (codes == null || zero == null || zero.getDataType() != DataType.INT32_VALUE
                    || !Set.of(DataType.INT8_VALUE, DataType.UINT8_VALUE).contains(codes.dataType())
                    || broadcastAxis(zero, codes.dims()) == NO_AXIS) {
                return null;
            }
            List<String> outputs = new ArrayList<>(codes.outputs());
            outputs.addAll(List.of(cast.getOutput(0), value));
            return new WeightEncoding(codes.tensor(), codes.packedBits(), codes.dims(), "", zero.getName(), "",
                    broadcastAxis(zero, codes.dims()), outputs, false, null);
        }
        NodeProto gather = producer(value, "Gather");
        TensorProto levels = gather == null || gather.getInputCount() != 2 ? null : initializer(gather, 0);
        NodeProto cast = levels == null ? null : producer(gather.getInput(1), "Cast");
        Codes codes = cast == null || NodeAttributes.integer(cast, "to", 0) != DataType.INT64_VALUE ? null : codes(cast.getInput(0));
        if (codes == null || codes.dataType() != DataType.UINT8_VALUE || levels.getDataType() != DataType.INT32_VALUE
                || levels.getDimsCount() != 1 || !isLevelCount(levels.getDims(0)) || !onlyAttributes(gather, "axis")
                || NodeAttributes.integer(gather, "axis", 0) != 0) {
            return null;
        }
        List<String> outputs = new ArrayList<>(codes.outputs());
        outputs.addAll(List.of(cast.getOutput(0), value));
        return new WeightEncoding(codes.tensor(), codes.packedBits(), codes.dims(), "", "", levels.getName(), -1,
                outputs, true, null);
    }

    /**
     * The kernel {@code kernel} of a unit that computes a layer as its integer levels K, then the scale: an integer
     * one (ConvInteger or MatMulInteger on the uint8 input, as {@link IntegerUnit} describes) or the float Conv or
     * MatMul on K cast to float (the levels form); as the float layer it stands for, with the weight's encoding,
     * or null unless the whole unit is exactly one of these.
     */
    WeightEncoding integerUnit(NodeProto kernel) {
        boolean integer = kernel.getOpType().equals("ConvInteger") || kernel.getOpType().equals("MatMulInteger");
        boolean levels = kernel.getOpType().equals("Conv") || kernel.getOpType().equals("MatMul");
        boolean conv = kernel.getOpType().startsWith("Conv");
        boolean standard = kernel.getDomain().isEmpty() || kernel.getDomain().equals("ai.onnx");
        if (!standard || !integer && !levels || kernel.getOutputCount() != 1
                || kernel.getInputCount() != (conv && integer ? 4 : 2)) {
            return null;
        }
        List<String> outputs = new ArrayList<>(List.of(kernel.getOutput(0)));
        String input = kernel.getInput(0);
        if (integer) {
            NodeProto inputCast = producer(kernel.getInput(0), "Cast");
            if (inputCast == null || NodeAttributes.integer(inputCast, "to", 0) != DataType.UINT8_VALUE) {
                return null;
            }
            input = inputCast.getInput(0);
            outputs.add(inputCast.getOutput(0));
        }
        String weight;
        NodeProto transpose = null;
        if (conv && !integer && isFloat(initializers.get(kernel.getInput(1)))) {
            return simulatedSplit(kernel, kernel.getInput(1), null, outputs);
        }
        if (conv && integer) {
            NodeProto toUint8 = producer(kernel.getInput(1), "Cast");
            NodeProto add = toUint8 == null || NodeAttributes.integer(toUint8, "to", 0) != DataType.UINT8_VALUE ? null
                    : producer(toUint8.getInput(0), "Add");
            if (add == null || add.getInputCount() != 2 || !isScalar(initializer(add, 1), DataType.INT32_VALUE, 128)
                    || !kernel.getInput(2).isEmpty() || !isScalar(initializer(kernel, 3), DataType.UINT8_VALUE, 128)) {
                return null;
            }
            weight = add.getInput(0);
            outputs.addAll(List.of(add.getOutput(0), toUint8.getOutput(0)));
        } else {
            String b = kernel.getInput(1);
            transpose = conv ? null : producer(b, "Transpose");
            if (transpose != null) {
                outputs.add(transpose.getOutput(0));
                b = transpose.getInput(0);
            }
            NodeProto toKernelType = producer(b, "Cast");
            if (!integer && toKernelType == null && isFloat(initializers.get(b))) {
                return simulatedSplit(kernel, b, transpose, outputs);
            }
            if (toKernelType == null
                    || NodeAttributes.integer(toKernelType, "to", 0) != (integer ? DataType.INT8_VALUE : DataType.FLOAT_VALUE)) {
                return null;
            }
            weight = toKernelType.getInput(0);
            outputs.add(toKernelType.getOutput(0));
        }
        String sum = kernel.getOutput(0);
        if (integer) {
            NodeProto toFloat = soleConsumer(sum, "Cast");
            if (toFloat == null || NodeAttributes.integer(toFloat, "to", 0) != DataType.FLOAT_VALUE) {
                return null;
            }
            sum = toFloat.getOutput(0);
            outputs.add(sum);
        }
        NodeProto mul = soleConsumer(sum, "Mul");
        TensorProto scale = mul == null || mul.getInputCount() != 2 || !mul.getInput(1).equals(sum)
                ? null : initializer(mul, 0);
        WeightEncoding encoding = integerWeight(weight);
        if (!isFloat(scale) || encoding == null) {
            return null;
        }
        outputs.add(mul.getOutput(0));
        String[] biased = biasAfter(mul.getOutput(0), conv, outputs);
        String output = biased[0];
        String bias = biased[1];
        int[] dims = encoding.dims();
        int channelAxis = conv ? 0 : transpose == null ? dims.length - 1 : transposedAxis(transpose, dims.length);
        int scaleAxis = TensorShapes.elements(scale) == 1 ? -1 : channelAxis;
        if (dims.length < 2 || !conv && dims.length != 2 || scaleAxis >= 0 && TensorShapes.elements(scale) != dims[channelAxis]
                || encoding.zeroPoint().isEmpty() == encoding.table().isEmpty()) {
            return null;
        }
        IntegerUnit unit = new IntegerUnit(conv ? "Conv" : "MatMul", kernel, input, output, weight,
                bias, transpose, outputs);
        return encoding.withUnit(unit, scale.getName(), scaleAxis);
    }

    /**
     * A simulated model's split layer: the float operator on a float initializer of integer levels, then Mul by a
     * scale named like the weight plus {@code .qscale} (as apply writes it), [then Add of the Conv's bias]. Read as
     * encoded, its codes the float levels, so that its weights read back as levels times scale, the simulated
     * weights; null for any other float Conv or MatMul followed by a Mul.
     */
    private WeightEncoding simulatedSplit(NodeProto kernel, String weight, NodeProto transpose, List<String> outputs) {
        NodeProto mul = soleConsumer(kernel.getOutput(0), "Mul");
        TensorProto scale = mul == null || mul.getInputCount() != 2 || !mul.getInput(1).equals(kernel.getOutput(0))
                ? null : initializer(mul, 0);
        if (!isFloat(scale) || !scale.getName().equals(weight + ".qscale")) {
            return null;
        }
        boolean conv = kernel.getOpType().equals("Conv");
        outputs.add(mul.getOutput(0));
        String[] biased = biasAfter(mul.getOutput(0), conv, outputs);
        String output = biased[0];
        String bias = biased[1];
        int[] dims = TensorShapes.dims(initializers.get(weight));
        int channelAxis = conv ? 0 : transpose == null ? dims.length - 1 : transposedAxis(transpose, dims.length);
        long scales = TensorShapes.elements(scale);
        int scaleAxis = scales == 1 ? -1 : channelAxis;
        if (dims.length < 2 || !conv && dims.length != 2 || scaleAxis >= 0 && (channelAxis < 0 || scales != dims[channelAxis])) {
            return null;
        }
        IntegerUnit unit = new IntegerUnit(conv ? "Conv" : "MatMul", kernel, kernel.getInput(0), output, weight, bias,
                transpose, outputs);
        return new WeightEncoding(weight, 0, dims, scale.getName(), "", "", scaleAxis, List.of(), false, unit);
    }

    /**
     * The Conv bias a unit adds after its scale, Add(scaled, Reshape(bias)), when there is one: {the unit's output,
     * the bias initializer's name}, else {scaled, ""}; {@code outputs} gains the values it computes.
     */
    private String[] biasAfter(String scaled, boolean conv, List<String> outputs) {
        NodeProto add = conv ? soleConsumer(scaled, "Add") : null;
        NodeProto reshape = add == null || add.getInputCount() != 2 ? null : producer(add.getInput(1), "Reshape");
        TensorProto biasValues = reshape == null ? null : initializer(reshape, 0);
        if (isFloat(biasValues) && add.getInput(0).equals(scaled)) {
            outputs.addAll(List.of(reshape.getOutput(0), add.getOutput(0)));
            return new String[] {add.getOutput(0), biasValues.getName()};
        }
        return new String[] {scaled, ""};
    }

    /** The stored axis a MatMul's output columns come from through Transpose(perm) of a 2-D weight. */
    private static int transposedAxis(NodeProto transpose, int rank) {
        for (AttributeProto a : transpose.getAttributeList()) {
            if (a.getName().equals("perm")) {
                return a.getIntsCount() == rank ? (int) a.getInts(rank - 1) : NO_AXIS;
            }
        }
        return 0;
    }

    private NodeProto soleConsumer(String value, String opType) {
        List<NodeProto> readers = consumers.getOrDefault(value, List.of());
        if (readers.size() != 1) {
            return null;
        }
        NodeProto node = readers.get(0);
        boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
        return standard && node.getOpType().equals(opType) && node.getOutputCount() == 1 ? node : null;
    }

    private static boolean isScalar(TensorProto t, int dataType, int value) {
        if (t == null || t.getDataType() != dataType || TensorShapes.elements(t) != 1 || t.getRawData().isEmpty()) {
            return false;
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return dataType == DataType.UINT8_VALUE ? (raw.get() & 0xFF) == value : raw.remaining() == 4 && raw.getInt() == value;
    }

    /** 2^b - 1 levels for b = 2..8 bits. */
    private static boolean isLevelCount(long n) {
        return n >= 3 && n <= 255 && ((n + 1) & n) == 0;
    }

    /** The one axis a scale of the codes' rank varies along (-1 when it has one element), else NO_AXIS. */
    private static int broadcastAxis(TensorProto scale, int[] dims) {
        if (TensorShapes.elements(scale) == 1 && scale.getDimsCount() <= dims.length) {
            return -1;
        }
        if (scale.getDimsCount() != dims.length) {
            return NO_AXIS;
        }
        int axis = -1;
        for (int i = 0; i < scale.getDimsCount(); i++) {
            if (scale.getDims(i) != 1) {
                if (axis >= 0 || scale.getDims(i) != dims[i]) {
                    return NO_AXIS;
                }
                axis = i;
            }
        }
        return axis;
    }

    /** A float32 scalar 1, stored in the graph: DequantizeLinear by it turns codes into exact float indices. */
    private static boolean isOne(TensorProto t) {
        if (!isFloat(t) || TensorShapes.elements(t) != 1) {
            return false;
        }
        if (t.getRawData().size() == 4) {
            return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat() == 1f;
        }
        return t.getFloatDataCount() == 1 && t.getFloatData(0) == 1f;
    }

    private static boolean isFloat(TensorProto t) {
        return t != null && t.getDataType() == DataType.FLOAT_VALUE;
    }

    private NodeProto producer(String value, String opType) {
        NodeProto node = producers.get(value);
        boolean standard = node != null && (node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"));
        return standard && node.getOpType().equals(opType) && node.getOutputCount() == 1 ? node : null;
    }

    private TensorProto initializer(NodeProto node, int input) {
        return input < node.getInputCount() ? initializers.get(node.getInput(input)) : null;
    }

    private static boolean onlyAttributes(NodeProto node, String allowed) {
        return node.getAttributeList().stream().allMatch(a -> a.getName().equals(allowed));
    }

    /**
     * Removes the decode nodes of the layers' encoded weights, and the initializers nothing else reads, so
     * the weights can be supplied another way (graph inputs, float initializers) under their own names. An
     * integer kernel is put back as the float Conv or MatMul it stands for, in its place.
     */
    public static void remove(GraphProto.Builder graph, Collection<Layer> layers) {
        Set<String> decoded = new HashSet<>();
        Map<String, List<NodeProto>> restored = new HashMap<>();
        for (Layer l : layers) {
            if (l.encoded()) {
                decoded.addAll(l.encoding().decodeOutputs());
                IntegerUnit unit = l.encoding().unit();
                if (unit != null) {
                    decoded.addAll(unit.outputs());
                    restored.put(unit.kernel().getOutput(0), unit.floatNodes());
                }
            }
        }
        if (decoded.isEmpty()) {
            return;
        }
        List<NodeProto> kept = new ArrayList<>();
        Set<String> readByDecode = new HashSet<>();
        Set<String> readByOthers = new HashSet<>();
        graph.getOutputList().forEach(o -> readByOthers.add(o.getName()));
        for (NodeProto node : graph.getNodeList()) {
            List<NodeProto> instead = node.getOutputCount() == 1 ? restored.get(node.getOutput(0)) : null;
            if (instead != null) {
                readByDecode.addAll(node.getInputList());
                kept.addAll(instead);
                instead.forEach(n -> readByOthers.addAll(n.getInputList()));
            } else if (node.getOutputCount() == 1 && decoded.contains(node.getOutput(0))) {
                readByDecode.addAll(node.getInputList());
            } else {
                kept.add(node);
                readByOthers.addAll(node.getInputList());
            }
        }
        graph.clearNode().addAllNode(kept);
        List<TensorProto> initializers = new ArrayList<>(graph.getInitializerList());
        initializers.removeIf(t -> readByDecode.contains(t.getName()) && !readByOthers.contains(t.getName()));
        graph.clearInitializer().addAllInitializer(initializers);
    }
}
