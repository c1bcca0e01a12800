package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.qsvit.UserInputException;
import io.qsvit.model.ComputedSite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts computed tensors into fixed point inside the graph: after the node that produces a site's tensor t, the
 * nodes {@code x = t * 2^n}, {@code r = Round(x)} (or {@code Floor} to truncate), {@code c = Clip(r, lo, hi)} (or
 * the two's complement wrap {@code r - 2^B * Floor((r - lo) / 2^B)}) and {@code q = c * 2^-n}, and every other
 * reader of t reads q instead. The simulated and the real artifact get the same nodes, and so does every session
 * that evaluates a setting with computed groups: one arithmetic everywhere.
 * <p>
 * Names are fixed so a graph tells which of its tensors are quantized and how: nodes
 * {@code qsvit.computed/<group>/<t>/<step>}, tensors {@code <t>::qsvit.<step>}, constants
 * {@code qsvit.computed/<group>/<constant>}. {@link #addCounters} reads them back.
 */
public final class ComputedQuantization {
    public static final String NODE_PREFIX = "qsvit.computed/";
    /** Outputs a counting graph gains per site: saturated values, non-zero values made zero, values. */
    public static final String NODE_COUNTERS = "qsvit/computed/";
    public static final String SATURATED = NODE_COUNTERS + "saturated/";
    public static final String ZEROED = NODE_COUNTERS + "zeroed/";
    public static final String VALUES = NODE_COUNTERS + "values/";
    /** Outputs a calibrating graph gains per site: the largest magnitude in the batch. */
    public static final String RANGE = NODE_COUNTERS + "range/";
    /** Outputs a calibrating graph gains per site: its values in the batch (int64). */
    public static final String SIZE = NODE_COUNTERS + "size/";
    private static final String ROUND = "/round";
    /** ONNX op-set that has Round, and Clip with min and max inputs. */
    public static final int MIN_OPSET = 11;

    private ComputedQuantization() {
    }

    /**
     * Inserts the fixed-point nodes for each site whose group has a format in {@code formats} (computed group ->
     * format); the graph's nodes stay in topological order.
     */
    public static void insert(GraphProto.Builder graph, List<ComputedSite> sites, Map<String, ComputedFormat> formats,
                              int opset) {
        List<ComputedSite> chosen = sites.stream().filter(s -> formats.containsKey(s.computedGroup())).toList();
        if (chosen.isEmpty()) {
            return;
        }
        if (opset < MIN_OPSET) {
            throw new UserInputException("computed tensors in fixed point need ONNX op-set " + MIN_OPSET + " (Round); the "
                    + "model has op-set " + opset);
        }
        if (computesInHalfPrecision(graph)) {
            throw new UserInputException("computed tensors in fixed point take a model that computes in float32; this "
                    + "one computes in float16 or bfloat16 (it casts to them), where the format's float32 constants "
                    + "do not apply");
        }
        Map<String, ComputedSite> byTensor = new LinkedHashMap<>();
        chosen.forEach(s -> byTensor.put(s.tensor(), s));
        Map<String, String> constantsAdded = new HashMap<>();
        List<NodeProto> nodes = new ArrayList<>();
        List<NodeProto> source = graph.getNodeList();
        // graph inputs can be sites too (a model whose input is an attention product is not one we find, but be exact)
        for (NodeProto node : source) {
            NodeProto.Builder rewired = node.toBuilder();
            for (int i = 0; i < rewired.getInputCount(); i++) {
                if (byTensor.containsKey(rewired.getInput(i))) {
                    rewired.setInput(i, quantized(rewired.getInput(i)));
                }
            }
            nodes.add(rewired.build());
            for (String output : node.getOutputList()) {
                ComputedSite site = byTensor.get(output);
                if (site != null) {
                    ComputedFormat format = formats.get(site.computedGroup());
                    String prefix = NODE_PREFIX + site.computedGroup();
                    if (constantsAdded.putIfAbsent(site.computedGroup(), prefix) == null) {
                        addConstants(graph, prefix, format);
                    }
                    nodes.addAll(fixedPoint(site, prefix, format));
                }
            }
        }
        graph.clearNode().addAllNode(nodes);
        for (int i = 0; i < graph.getOutputCount(); i++) {
            if (byTensor.containsKey(graph.getOutput(i).getName())) {
                throw new UserInputException("computed tensor '" + graph.getOutput(i).getName() + "' is a model output; "
                        + "qsvit quantizes tensors the model computes with, not its outputs");
            }
        }
    }

    /** True when the graph casts to float16 or bfloat16 or stores them: its activations may be half precision. */
    private static boolean computesInHalfPrecision(GraphProto.Builder graph) {
        java.util.Set<Long> half = java.util.Set.of((long) TensorProto.DataType.FLOAT16_VALUE,
                (long) TensorProto.DataType.BFLOAT16_VALUE);
        return graph.getNodeList().stream().anyMatch(n -> n.getOpType().equals("Cast")
                && half.contains(io.qsvit.model.NodeAttributes.integer(n, "to", 0)))
                || graph.getInitializerList().stream().anyMatch(t -> half.contains((long) t.getDataType()));
    }

    /** The name the quantized value of tensor t takes. */
    static String quantized(String tensor) {
        return tensor + "::qsvit.q";
    }

    private static List<NodeProto> fixedPoint(ComputedSite site, String prefix, ComputedFormat format) {
        String t = site.tensor();
        String node = prefix + "/" + t;
        List<NodeProto> nodes = new ArrayList<>();
        nodes.add(node("Mul", node + "/up", List.of(t, prefix + "/up"), t + "::qsvit.x"));
        nodes.add(node(format.truncate() ? "Floor" : "Round", node + ROUND, List.of(t + "::qsvit.x"), t + "::qsvit.r"));
        String r = t + "::qsvit.r";
        if (format.wrap()) {
            nodes.add(node("Sub", node + "/offset", List.of(r, prefix + "/lo"), t + "::qsvit.o"));
            nodes.add(node("Div", node + "/turns", List.of(t + "::qsvit.o", prefix + "/range"), t + "::qsvit.w"));
            nodes.add(node("Floor", node + "/whole", List.of(t + "::qsvit.w"), t + "::qsvit.f"));
            nodes.add(node("Mul", node + "/span", List.of(t + "::qsvit.f", prefix + "/range"), t + "::qsvit.s"));
            nodes.add(node("Sub", node + "/wrap", List.of(r, t + "::qsvit.s"), t + "::qsvit.c"));
        } else {
            nodes.add(node("Clip", node + "/saturate", List.of(r, prefix + "/lo", prefix + "/hi"), t + "::qsvit.c"));
        }
        nodes.add(node("Mul", node + "/down", List.of(t + "::qsvit.c", prefix + "/down"), quantized(t)));
        return nodes;
    }

    private static void addConstants(GraphProto.Builder graph, String prefix, ComputedFormat format) {
        graph.addInitializer(scalar(prefix + "/up", (float) Math.scalb(1.0, format.fracBits())));
        graph.addInitializer(scalar(prefix + "/down", (float) Math.scalb(1.0, -format.fracBits())));
        graph.addInitializer(scalar(prefix + "/lo", format.minCode()));
        graph.addInitializer(scalar(prefix + "/hi", format.maxCode()));
        if (format.wrap()) { // only the wrap reads it: an unread initializer is one ONNX Runtime warns about
            graph.addInitializer(scalar(prefix + "/range", (float) Math.scalb(1.0, format.bits())));
        }
    }

    /**
     * Adds, for every quantized site in the graph, three float outputs summed over the batch: values outside the
     * format's codes (saturated or wrapped), non-zero values that became zero, and all values. Returns site tensor ->
     * computed group.
     */
    public static Map<String, String> addCounters(GraphProto.Builder graph) {
        Map<String, String> sites = new LinkedHashMap<>();
        List<NodeProto> added = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            String name = node.getName();
            if (!name.startsWith(NODE_PREFIX) || !name.endsWith(ROUND)) {
                continue;
            }
            String rest = name.substring(NODE_PREFIX.length(), name.length() - ROUND.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                continue;
            }
            String group = rest.substring(0, slash);
            String t = rest.substring(slash + 1);
            String prefix = NODE_PREFIX + group;
            String r = t + "::qsvit.r";
            String c = "qsvit/count/" + t;
            added.add(node("Less", c + "/under", List.of(r, prefix + "/lo"), c + "/under"));
            added.add(node("Greater", c + "/over", List.of(r, prefix + "/hi"), c + "/over"));
            added.add(node("Or", c + "/outside", List.of(c + "/under", c + "/over"), c + "/outside"));
            added.addAll(countOf(c + "/outside", SATURATED + t));
            added.add(node("Equal", c + "/was0", List.of(t, prefix + "/zero"), c + "/was0"));
            added.add(node("Not", c + "/nonzero", List.of(c + "/was0"), c + "/nonzero"));
            added.add(node("Equal", c + "/is0", List.of(quantized(t), prefix + "/zero"), c + "/is0"));
            added.add(node("And", c + "/zeroed", List.of(c + "/nonzero", c + "/is0"), c + "/zeroed"));
            added.addAll(countOf(c + "/zeroed", ZEROED + t));
            added.add(node("Size", c + "/size", List.of(t), c + "/size"));
            added.add(cast(c + "/size", VALUES + t));
            if (sites.put(t, group) == null && graph.getInitializerList().stream().noneMatch(i -> i.getName().equals(prefix + "/zero"))) {
                graph.addInitializer(scalar(prefix + "/zero", 0f));
            }
            for (String output : List.of(SATURATED + t, ZEROED + t, VALUES + t)) {
                graph.addOutput(ValueInfoProto.newBuilder().setName(output).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                        .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        graph.addAllNode(added);
        return sites;
    }

    /**
     * Adds, for every site, outputs holding its largest magnitude in the batch ({@value #RANGE} + tensor) and its
     * number of values ({@value #SIZE} + tensor).
     */
    public static void addRangeOutputs(GraphProto.Builder graph, List<ComputedSite> sites) {
        for (ComputedSite site : sites) {
            String t = site.tensor();
            graph.addNode(node("Abs", RANGE + t + "/abs", List.of(t), RANGE + t + "/abs"));
            graph.addNode(node("ReduceMax", RANGE + t, List.of(RANGE + t + "/abs"), RANGE + t).toBuilder()
                    .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0))
                    .build());
            graph.addOutput(ValueInfoProto.newBuilder().setName(RANGE + t).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                    .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.FLOAT_VALUE))));
            graph.addNode(node("Size", SIZE + t, List.of(t), SIZE + t));
            graph.addOutput(ValueInfoProto.newBuilder().setName(SIZE + t).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                    .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(TensorProto.DataType.INT64_VALUE))));
        }
    }

    private static List<NodeProto> countOf(String flags, String output) {
        return List.of(cast(flags, flags + "::float"),
                node("ReduceSum", output, List.of(flags + "::float"), output).toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0))
                        .build());
    }

    private static NodeProto cast(String input, String output) {
        return node("Cast", output, List.of(input), output).toBuilder().addAttribute(AttributeProto.newBuilder()
                .setName("to").setType(AttributeProto.AttributeType.INT).setI(TensorProto.DataType.FLOAT_VALUE)).build();
    }

    private static NodeProto node(String op, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value).build();
    }
}
