package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.qsvit.model.NodeAttributes;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.qsvit.model.ExternalData;
import io.qsvit.model.Float16;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TensorData;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Weights stored in float16 (or bfloat16): quantized from their own values, the rest of the model left in its
 * precision. Preparing a model gives each such weight a float32 twin under the same name, read through a Cast
 * back to its type: exact (every half is a float32), and the weight is then found, quantized and decoded like
 * any float32 weight, with the Cast after the decode. In the written artifacts, a float32 weight that only
 * Casts to float16 read and that float16 holds exactly (an unquantized weight) is narrowed back, so nothing
 * the user did not ask to change grows.
 */
final class Float16Weights {
    private static final Set<String> PASS_THROUGH = Set.of("Transpose", "Identity", "Cast", "Reshape");
    private static final Set<Integer> HALF = Set.of(DataType.FLOAT16_VALUE, DataType.BFLOAT16_VALUE);

    private Float16Weights() {
    }

    /** Gives every half-precision weight its float32 twin; returns how many. */
    static int widen(GraphEdit graph, OnnxModel model) {
        Set<String> done = new HashSet<>();
        for (NodeProto node : graph.nodes()) {
            if (!GraphEdit.isStandard(node)) {
                continue;
            }
            int[] inputs = switch (node.getOpType()) {
                case "Conv", "ConvTranspose" -> new int[] {1};
                case "Gemm", "MatMul" -> new int[] {1, 0};
                default -> new int[0];
            };
            for (int input : inputs) {
                String stored = halfConstant(graph, input < node.getInputCount() ? node.getInput(input) : "");
                if (stored != null && done.add(stored)) {
                    widenOne(graph, model, stored);
                }
            }
        }
        return done.size();
    }

    /** The half-precision constant a value comes from through pass-through operators, or null. */
    private static String halfConstant(GraphEdit graph, String value) {
        String name = value;
        while (!name.isEmpty()) {
            TensorProto constant = graph.constant(name);
            if (constant != null) {
                boolean declared = graph.isGraphOutput(name);
                return HALF.contains(constant.getDataType()) && constant.getDimsCount() >= 2 && !declared ? name : null;
            }
            NodeProto producer = graph.producer(name);
            if (producer == null || !GraphEdit.isStandard(producer) || !PASS_THROUGH.contains(producer.getOpType())) {
                return null;
            }
            name = producer.getInput(0);
        }
        return null;
    }

    private static void widenOne(GraphEdit graph, OnnxModel model, String name) {
        TensorProto half = graph.constant(name);
        double[] values = TensorData.numbers(half, model);
        TensorProto.Builder widened = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .addAllDims(half.getDimsList());
        graph.setConstant(name, TensorData.withNumbers(widened.build(), values));
        String cast = graph.fresh(name + "::" + (half.getDataType() == DataType.FLOAT16_VALUE ? "float16" : "bfloat16"));
        List<NodeProto> readers = new ArrayList<>(graph.readers(name));
        NodeProto castNode = NodeProto.newBuilder().setOpType("Cast").setName(graph.fresh("qsvit::" + cast))
                .addInput(name).addOutput(cast).addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                        .setName("to").setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(half.getDataType())).build();
        graph.insertBefore(readers.get(0), castNode);
        for (NodeProto reader : readers) {
            NodeProto.Builder b = reader.toBuilder();
            for (int i = 0; i < reader.getInputCount(); i++) {
                if (reader.getInput(i).equals(name)) {
                    b.setInput(i, cast);
                }
            }
            graph.replace(reader, b.build());
        }
    }

    /**
     * Narrows back every inline float32 constant that only Casts to float16 or bfloat16 read and that the
     * narrower type holds exactly: the Casts go, their readers read the narrowed constant.
     */
    static ModelProto narrow(ModelProto artifact) {
        GraphEdit graph = new GraphEdit(artifact.getGraph());
        boolean changed = false;
        Set<String> candidates = new HashSet<>();
        for (NodeProto node : graph.nodes()) {
            if (GraphEdit.isStandard(node) && node.getOpType().equals("Cast") && node.getInputCount() == 1
                    && HALF.contains((int) NodeAttributes.integer(node, "to", 0))) {
                candidates.add(node.getInput(0));
            }
        }
        for (String name : candidates) {
            TensorProto constant = graph.constant(name);
            if (constant == null || constant.getDataType() != DataType.FLOAT_VALUE || ExternalData.isExternal(constant)
                    || graph.isGraphOutput(name)) {
                continue;
            }
            List<NodeProto> readers = graph.readers(name);
            int to = (int) NodeAttributes.integer(readers.get(0), "to", 0);
            boolean onlyCasts = readers.stream().allMatch(r -> r.getOpType().equals("Cast") && GraphEdit.isStandard(r)
                    && r.getInputCount() == 1 && NodeAttributes.integer(r, "to", 0) == to);
            float[] values = onlyCasts ? inlineFloats(constant) : null;
            if (values == null || !representable(values, to)) {
                continue;
            }
            double[] numbers = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                numbers[i] = values[i];
            }
            TensorProto narrowed = TensorData.withNumbers(constant.toBuilder().setDataType(to).build(), numbers);
            graph.setConstant(name, narrowed);
            for (NodeProto cast : List.copyOf(graph.readers(name))) {
                String output = cast.getOutput(0);
                for (NodeProto reader : List.copyOf(graph.readers(output))) {
                    NodeProto.Builder b = reader.toBuilder();
                    for (int i = 0; i < reader.getInputCount(); i++) {
                        if (reader.getInput(i).equals(output)) {
                            b.setInput(i, name);
                        }
                    }
                    graph.replace(reader, b.build());
                }
                if (graph.isGraphOutput(output)) { // keep the graph's output name: the Cast becomes an Identity
                    graph.replace(cast, cast.toBuilder().setOpType("Identity").clearAttribute().build());
                } else {
                    graph.remove(cast);
                }
            }
            changed = true;
        }
        return changed ? artifact.toBuilder().setGraph(graph.build()).build() : artifact;
    }

    private static float[] inlineFloats(TensorProto t) {
        int n = (int) io.qsvit.model.TensorShapes.elements(t);
        float[] values = new float[n];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4L * n) {
                return null;
            }
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
        if (t.getFloatDataCount() != n) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            values[i] = t.getFloatData(i);
        }
        return values;
    }

    private static boolean representable(float[] values, int type) {
        for (float v : values) {
            boolean exact = type == DataType.FLOAT16_VALUE ? Float16.representable(v)
                    : Float.floatToRawIntBits(Float16.bfloatToFloat(Float16.bfloatFromFloat(v))) == Float.floatToRawIntBits(v);
            if (!exact) {
                return false;
            }
        }
        return true;
    }
}
