package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decode nodes with which a real artifact rebuilds each quantized weight W from constant codes:
 * <pre>
 *   uniform: DequantizeLinear(codes, scale[, zero point]) -> W
 *   pow2:    DequantizeLinear(codes, 1) -> Cast(int64) -> Gather(table, .) -> Mul(., scale) -> W
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

    DecodeChains(Map<String, TensorProto> initializers, Map<String, NodeProto> producers) {
        this.initializers = initializers;
        this.producers = producers;
    }

    /** How {@code value} is decoded from codes, or null when no decode chain produces it. */
    WeightEncoding encodingOf(String value) {
        NodeProto producer = producer(value, "DequantizeLinear");
        if (producer != null) {
            return uniform(producer);
        }
        producer = producer(value, "Mul");
        return producer != null ? pow2(producer) : null;
    }

    private WeightEncoding uniform(NodeProto dequantize) {
        boolean hasZero = dequantize.getInputCount() == 3 && !dequantize.getInput(2).isEmpty();
        TensorProto codes = initializer(dequantize, 0);
        TensorProto scale = initializer(dequantize, 1);
        TensorProto zero = hasZero ? initializer(dequantize, 2) : null;
        if (codes == null || !isFloat(scale) || dequantize.getInputCount() > 3 || hasZero && zero == null
                || !onlyAttributes(dequantize, "axis")) {
            return null;
        }
        // asymmetric codes are unsigned with a zero point, symmetric ones signed without: what qsvit writes
        boolean types = hasZero ? UNSIGNED.contains(codes.getDataType()) && zero.getDataType() == codes.getDataType()
                : SIGNED.contains(codes.getDataType());
        int axis = scale.getDimsCount() == 0 ? -1 : dequantizeAxis(dequantize, codes, scale);
        if (!types || axis == NO_AXIS || hasZero && !zero.getDimsList().equals(scale.getDimsList())) {
            return null;
        }
        return new WeightEncoding(codes.getName(), scale.getName(), hasZero ? zero.getName() : "", "", axis,
                dequantize.getOutputList());
    }

    /** The axis of a 1-D scale: the node's {@code axis} attribute (default 1), its length that axis's size. */
    private static int dequantizeAxis(NodeProto dequantize, TensorProto codes, TensorProto scale) {
        int rank = codes.getDimsCount();
        long attribute = intAttribute(dequantize, "axis", 1);
        int axis = (int) (attribute < 0 ? attribute + rank : attribute);
        return scale.getDimsCount() == 1 && axis >= 0 && axis < rank && scale.getDims(0) == codes.getDims(axis)
                ? axis : NO_AXIS;
    }

    private WeightEncoding pow2(NodeProto mul) {
        NodeProto gather = mul.getInputCount() == 2 ? producer(mul.getInput(0), "Gather") : null;
        TensorProto scale = initializer(mul, 1);
        if (gather == null || !isFloat(scale) || gather.getInputCount() != 2 || !onlyAttributes(gather, "axis")
                || intAttribute(gather, "axis", 0) != 0) {
            return null;
        }
        TensorProto table = initializer(gather, 0);
        NodeProto cast = producer(gather.getInput(1), "Cast");
        if (!isFloat(table) || table.getDimsCount() != 1 || !isLevelCount(table.getDims(0)) || cast == null
                || cast.getInputCount() != 1 || intAttribute(cast, "to", 0) != DataType.INT64_VALUE) {
            return null;
        }
        NodeProto index = producer(cast.getInput(0), "DequantizeLinear");
        TensorProto codes = index != null && index.getInputCount() == 2 ? initializer(index, 0) : null;
        if (codes == null || !POW2_CODES.contains(codes.getDataType()) || !isOne(initializer(index, 1))
                || !onlyAttributes(index, "axis")) {
            return null;
        }
        int axis = broadcastAxis(scale, codes);
        return axis == NO_AXIS ? null : new WeightEncoding(codes.getName(), scale.getName(), "", table.getName(), axis,
                List.of(index.getOutput(0), cast.getOutput(0), gather.getOutput(0), mul.getOutput(0)));
    }

    /** 2^b - 1 levels for b = 2..8 bits. */
    private static boolean isLevelCount(long n) {
        return n >= 3 && n <= 255 && ((n + 1) & n) == 0;
    }

    /** The one axis a scale of the codes' rank varies along (-1 when it has one element), else NO_AXIS. */
    private static int broadcastAxis(TensorProto scale, TensorProto codes) {
        if (scale.getDimsCount() == 0) {
            return -1;
        }
        if (scale.getDimsCount() != codes.getDimsCount()) {
            return NO_AXIS;
        }
        int axis = -1;
        for (int i = 0; i < scale.getDimsCount(); i++) {
            if (scale.getDims(i) != 1) {
                if (axis >= 0 || scale.getDims(i) != codes.getDims(i)) {
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

    private static long intAttribute(NodeProto node, String name, long fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    /**
     * Removes the decode nodes of the layers' encoded weights, and the initializers nothing else reads, so
     * the weights can be supplied another way (graph inputs, float initializers) under their own names.
     */
    public static void remove(GraphProto.Builder graph, Collection<Layer> layers) {
        Set<String> decoded = new HashSet<>();
        layers.stream().filter(Layer::encoded).forEach(l -> decoded.addAll(l.encoding().decodeOutputs()));
        if (decoded.isEmpty()) {
            return;
        }
        List<NodeProto> kept = new ArrayList<>();
        Set<String> readByDecode = new HashSet<>();
        Set<String> readByOthers = new HashSet<>();
        graph.getOutputList().forEach(o -> readByOthers.add(o.getName()));
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOutputCount() == 1 && decoded.contains(node.getOutput(0))) {
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
