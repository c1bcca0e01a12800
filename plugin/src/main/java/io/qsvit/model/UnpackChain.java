package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The standard-operator graph (op-set 18+) that turns {@link PackedCodes} back into one uint8 code per weight,
 * shaped like the weight. Writer and reader of that graph in one place:
 * <pre>
 *   bytes [G*b] -Reshape-> [G, b] -Cast(uint32)-> words
 *   low  = Gather(words, lowBytes, axis 1)      high = Gather(words, highBytes, axis 1)          [G, 8]
 *   BitwiseAnd(BitShift(BitwiseOr(low, BitShift(high, 8, LEFT)), shifts, RIGHT), 2^b - 1)
 *   -Cast(uint8)-> -Reshape(-1)-> -Slice(0, n)-> -Reshape(dims)-> codes
 * </pre>
 * Every input is a constant, so ONNX Runtime folds the graph once when it loads the model: at run time the
 * weight is a uint8 tensor (uint32 BitShift because ONNX Runtime's CPU BitShift has no uint16 kernel).
 */
public final class UnpackChain {
    static final String SHARED = "qsvit/unpack/";
    private static final String EIGHT = SHARED + "eight";
    private static final String FLAT = SHARED + "flat";
    private static final String ZERO = SHARED + "zero";

    private UnpackChain() {
    }

    /** The nodes and tensors that decode one weight's packed codes into {@code output}. */
    public record Built(List<NodeProto> nodes, List<TensorProto> tensors) {
    }

    /**
     * @param codes  the initializer holding the packed bytes
     * @param output the name the uint8 codes get, shaped {@code dims}
     * @param shared receives the tensors every weight of the same width shares, once per name
     */
    public static Built build(String codes, String output, int bits, int[] dims, Map<String, TensorProto> shared) {
        PackedCodes.requireBits(bits);
        long count = TensorShapes.elements(dims);
        String p = output + ".qunpack/";
        String b = SHARED + "b" + bits + "/";
        shared.computeIfAbsent(EIGHT, n -> uint32s(n, new int[0], 8));
        shared.computeIfAbsent(FLAT, n -> int64s(n, -1));
        shared.computeIfAbsent(ZERO, n -> int64s(n, 0));
        shared.computeIfAbsent(b + "low", n -> int64s(n, PackedCodes.lowBytes(bits)));
        shared.computeIfAbsent(b + "high", n -> int64s(n, PackedCodes.highBytes(bits)));
        shared.computeIfAbsent(b + "shift", n -> uint32s(n, new int[] {8}, PackedCodes.shifts(bits)));
        shared.computeIfAbsent(b + "mask", n -> uint32s(n, new int[0], (1 << bits) - 1));
        List<TensorProto> tensors = new ArrayList<>();
        tensors.add(int64s(p + "groups", (count + 7) / 8, bits));
        tensors.add(int64s(p + "count", count));
        long[] shape = Arrays.stream(dims).asLongStream().toArray();
        tensors.add(int64s(p + "dims", shape));
        List<NodeProto> nodes = new ArrayList<>();
        nodes.add(node("Reshape", p + "bytes", codes, p + "groups"));
        nodes.add(cast(p + "words", p + "bytes", DataType.UINT32_VALUE));
        nodes.add(node("Gather", p + "low", p + "words", b + "low").toBuilder().addAttribute(intAttr("axis", 1)).build());
        nodes.add(node("Gather", p + "high", p + "words", b + "high").toBuilder().addAttribute(intAttr("axis", 1)).build());
        nodes.add(shift(p + "high8", p + "high", EIGHT, "LEFT"));
        nodes.add(node("BitwiseOr", p + "pair", p + "low", p + "high8"));
        nodes.add(shift(p + "shifted", p + "pair", b + "shift", "RIGHT"));
        nodes.add(node("BitwiseAnd", p + "masked", p + "shifted", b + "mask"));
        nodes.add(cast(p + "codes8", p + "masked", DataType.UINT8_VALUE));
        nodes.add(node("Reshape", p + "flat", p + "codes8", FLAT));
        nodes.add(node("Slice", p + "sliced", p + "flat", ZERO, p + "count"));
        nodes.add(node("Reshape", output, p + "sliced", p + "dims"));
        return new Built(nodes, tensors);
    }

    /** What a recognised chain decodes: packed bytes in {@code codes}, {@code count} codes of {@code bits} bits. */
    public record Packed(String codes, int bits, long count, List<String> outputs) {
    }

    /**
     * The packed codes that {@code value} is unpacked from, or null unless {@code value} is the output of exactly
     * the graph {@link #build} writes, with constants that agree with one bit width and the codes' byte count.
     */
    static Packed recognise(String value, Function<String, NodeProto> producers, Map<String, TensorProto> initializers) {
        Walk w = new Walk(producers, initializers);
        NodeProto dimsReshape = w.node(value, "Reshape");
        NodeProto slice = dimsReshape == null ? null : w.node(dimsReshape.getInput(0), "Slice");
        NodeProto flat = slice == null || slice.getInputCount() != 3 ? null : w.node(slice.getInput(0), "Reshape");
        NodeProto narrow = flat == null ? null : w.node(flat.getInput(0), "Cast");
        NodeProto and = narrow == null || NodeAttributes.integer(narrow, "to", 0) != DataType.UINT8_VALUE ? null
                : w.node(narrow.getInput(0), "BitwiseAnd");
        NodeProto right = and == null ? null : w.node(and.getInput(0), "BitShift");
        NodeProto or = right == null || !direction(right, "RIGHT") ? null : w.node(right.getInput(0), "BitwiseOr");
        NodeProto low = or == null ? null : w.node(or.getInput(0), "Gather");
        NodeProto left = or == null ? null : w.node(or.getInput(1), "BitShift");
        NodeProto high = left == null || !direction(left, "LEFT") ? null : w.node(left.getInput(0), "Gather");
        if (high == null || low == null || !low.getInput(0).equals(high.getInput(0))
                || NodeAttributes.integer(low, "axis", 0) != 1 || NodeAttributes.integer(high, "axis", 0) != 1) {
            return null;
        }
        NodeProto wide = w.node(low.getInput(0), "Cast");
        NodeProto groups = wide == null || NodeAttributes.integer(wide, "to", 0) != DataType.UINT32_VALUE ? null
                : w.node(wide.getInput(0), "Reshape");
        TensorProto bytes = groups == null ? null : initializers.get(groups.getInput(0));
        long[] groupShape = groups == null ? null : w.longs(groups.getInput(1));
        if (bytes == null || bytes.getDataType() != DataType.UINT8_VALUE || bytes.getDimsCount() != 1
                || groupShape == null || groupShape.length != 2) {
            return null;
        }
        int bits = (int) groupShape[1];
        if (bits < PackedCodes.MIN_BITS || bits >= PackedCodes.MAX_BITS) {
            return null;
        }
        long[] count = w.longs(slice.getInput(2));
        boolean constants = Arrays.equals(w.longs(low.getInput(1)), PackedCodes.lowBytes(bits))
                && Arrays.equals(w.longs(high.getInput(1)), PackedCodes.highBytes(bits))
                && Arrays.equals(w.longs(left.getInput(1)), new long[] {8})
                && Arrays.equals(w.longs(right.getInput(1)), Arrays.stream(PackedCodes.shifts(bits)).asLongStream().toArray())
                && Arrays.equals(w.longs(and.getInput(1)), new long[] {(1L << bits) - 1})
                && Arrays.equals(w.longs(flat.getInput(1)), new long[] {-1})
                && Arrays.equals(w.longs(slice.getInput(1)), new long[] {0})
                && count != null && count.length == 1 && groupShape[0] == (count[0] + 7) / 8
                && bytes.getDims(0) == PackedCodes.bytes(count[0], bits)
                && Arrays.equals(w.longs(dimsReshape.getInput(1)), dimsOf(initializers, dimsReshape, count[0], w));
        if (!constants) {
            return null;
        }
        return new Packed(bytes.getName(), bits, count[0], List.of(groups.getOutput(0), wide.getOutput(0),
                low.getOutput(0), high.getOutput(0), left.getOutput(0), or.getOutput(0), right.getOutput(0),
                and.getOutput(0), narrow.getOutput(0), flat.getOutput(0), slice.getOutput(0), value));
    }

    /** The target shape if all its dims are positive and multiply to count, else null (never equal to a long[]). */
    private static long[] dimsOf(Map<String, TensorProto> initializers, NodeProto reshape, long count, Walk w) {
        long[] dims = w.longs(reshape.getInput(1));
        if (dims == null || dims.length == 0) {
            return null;
        }
        long product = 1;
        for (long d : dims) {
            if (d <= 0) {
                return null;
            }
            product *= d;
        }
        return product == count ? dims : null;
    }

    /** Follows producers, accepting only standard-domain nodes of one output and no unexpected attribute. */
    private record Walk(Function<String, NodeProto> producers, Map<String, TensorProto> initializers) {
        NodeProto node(String value, String op) {
            NodeProto n = producers.apply(value);
            boolean standard = n != null && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"));
            return standard && n.getOpType().equals(op) && n.getOutputCount() == 1 && n.getInputCount() >= 1 ? n : null;
        }

        /** An integer initializer's values (int64, or uint32 as qsvit writes the bit constants), else null. */
        long[] longs(String name) {
            TensorProto t = initializers.get(name);
            if (t == null || t.getRawData().isEmpty() && t.getInt64DataCount() == 0 && t.getInt32DataCount() == 0) {
                return null;
            }
            long n = TensorShapes.elements(t);
            if (n > 16) {
                return null;
            }
            long[] values = new long[(int) n];
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                switch (t.getDataType()) {
                    case DataType.INT64_VALUE -> values[i] = raw.remaining() >= 8 ? raw.getLong() : i < t.getInt64DataCount() ? t.getInt64Data(i) : Long.MIN_VALUE;
                    case DataType.UINT32_VALUE -> values[i] = raw.remaining() >= 4 ? raw.getInt() & 0xFFFFFFFFL : Long.MIN_VALUE;
                    default -> {
                        return null;
                    }
                }
            }
            return values;
        }
    }

    private static boolean direction(NodeProto shift, String direction) {
        for (AttributeProto a : shift.getAttributeList()) {
            if (a.getName().equals("direction")) {
                return a.getS().toStringUtf8().equals(direction);
            }
        }
        return false;
    }

    static NodeProto node(String op, String output, String... inputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName("qsvit/" + output).addOutput(output);
        for (String input : inputs) {
            b.addInput(input);
        }
        return b.build();
    }

    static NodeProto cast(String output, String input, int to) {
        return node("Cast", output, input).toBuilder().addAttribute(intAttr("to", to)).build();
    }

    private static NodeProto shift(String output, String input, String amount, String direction) {
        return node("BitShift", output, input, amount).toBuilder().addAttribute(AttributeProto.newBuilder()
                .setName("direction").setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(direction))).build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static TensorProto int64s(String name, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        return TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE).addDims(values.length)
                .setRawData(OnnxWriter.wrap(bytes.array())).build();
    }

    private static TensorProto uint32s(String name, int[] dims, int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bytes.putInt(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(DataType.UINT32_VALUE)
                .setRawData(OnnxWriter.wrap(bytes.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
