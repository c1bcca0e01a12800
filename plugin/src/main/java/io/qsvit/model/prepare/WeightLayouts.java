package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.qsvit.model.NodeAttributes;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Layer;
import io.qsvit.model.LayerFinder;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TensorData;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Weights stored in another layout than their layer reads them (a Linear's [out, in] weight behind a Transpose,
 * a weight behind Identity or a constant Reshape) are stored as the layer reads them: the layout operators
 * run once, now, as ONNX Runtime's constant folding would at load time, so the result is the same numbers.
 * What gets quantized and stored is then what the layer multiplies by, and the real artifact's decode feeds
 * the layer directly (ONNX Runtime moves DequantizeLinear across a Transpose by inserting a QuantizeLinear
 * whose type it gets wrong for int8 codes, and the session fails to load). Casts stay in the graph (a float16
 * model's weights are read through one); a weight other nodes read too is left as it is.
 */
final class WeightLayouts {
    private static final Set<String> LAYOUT = Set.of("Transpose", "Identity", "Reshape");

    private WeightLayouts() {
    }

    /** Lays out every weight the way its layer reads it; returns how many weights changed. */
    static int run(GraphEdit graph, OnnxModel model) {
        int changed = 0;
        for (Layer layer : LayerFinder.find(graph.build())) {
            if (!layer.encoded() && layer.via().stream().anyMatch(LAYOUT::contains) && layOut(graph, model, layer.tensorName())) {
                changed++;
            }
        }
        return changed;
    }

    /**
     * Follows the weight forward while each value has one reader, a layout operator or a Cast, and folds the
     * layout operators into the stored tensor. False when there is nothing it may fold.
     */
    private static boolean layOut(GraphEdit graph, OnnxModel model, String stored) {
        List<NodeProto> chain = new ArrayList<>();
        String value = stored;
        while (graph.uses(value) == 1 && !graph.isGraphOutput(value)) {
            NodeProto reader = graph.readers(value).get(0);
            boolean layout = LAYOUT.contains(reader.getOpType()) && GraphEdit.isStandard(reader)
                    && reader.getInput(0).equals(value) && (!reader.getOpType().equals("Reshape") || reshapeTarget(graph, reader) != null);
            boolean cast = reader.getOpType().equals("Cast") && GraphEdit.isStandard(reader);
            if (!layout && !cast || reader.getOutputCount() != 1) {
                break;
            }
            chain.add(reader);
            value = reader.getOutput(0);
        }
        if (chain.stream().noneMatch(n -> LAYOUT.contains(n.getOpType()))) {
            return false;
        }
        TensorProto tensor = graph.constant(stored);
        double[] values = TensorData.numbers(tensor, model);
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        for (NodeProto node : chain) {
            switch (node.getOpType()) {
                case "Transpose" -> {
                    long[] perm = GraphEdit.intsAttribute(node, "perm");
                    if (perm == null) {
                        perm = new long[dims.length];
                        for (int i = 0; i < perm.length; i++) {
                            perm[i] = dims.length - 1 - i;
                        }
                    }
                    values = transpose(values, dims, perm);
                    long[] out = new long[dims.length];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = dims[(int) perm[i]];
                    }
                    dims = out;
                }
                case "Reshape" -> dims = reshape(dims, reshapeTarget(graph, node), NodeAttributes.integer(node, "allowzero", 0) == 1);
                default -> { } // Identity and Cast keep values and layout
            }
        }
        TensorProto.Builder laidOut = tensor.toBuilder().clearDims();
        for (long d : dims) {
            laidOut.addDims(d);
        }
        graph.setConstant(stored, TensorData.withNumbers(laidOut.build(), values));
        // the Casts stay, in order, now reading the laid-out tensor; the layout operators go
        String input = stored;
        for (NodeProto node : chain) {
            if (node.getOpType().equals("Cast")) {
                NodeProto current = graph.producer(node.getOutput(0));
                graph.replace(current, current.toBuilder().setInput(0, input).build());
                input = node.getOutput(0);
            } else {
                graph.remove(graph.producer(node.getOutput(0)));
            }
        }
        String last = chain.get(chain.size() - 1).getOutput(0);
        if (!input.equals(last)) { // the chain ended on a layout operator: its readers read the tensor (or last Cast)
            for (NodeProto reader : List.copyOf(graph.readers(last))) {
                NodeProto.Builder b = reader.toBuilder();
                for (int i = 0; i < reader.getInputCount(); i++) {
                    if (reader.getInput(i).equals(last)) {
                        b.setInput(i, input);
                    }
                }
                graph.replace(reader, b.build());
            }
        }
        return true;
    }

    /** A Reshape's constant target shape, or null when it is computed. */
    private static long[] reshapeTarget(GraphEdit graph, NodeProto reshape) {
        if (reshape.getInputCount() < 2) {
            return null;
        }
        TensorProto shape = graph.constant(reshape.getInput(1));
        if (shape == null || shape.getDataType() != TensorProto.DataType.INT64_VALUE) {
            return null;
        }
        if (!shape.getRawData().isEmpty()) {
            long[] out = new long[shape.getRawData().size() / 8];
            shape.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            return out;
        }
        return shape.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    /** ONNX Reshape's output shape: 0 copies the input's dimension (unless allowzero), -1 takes the rest. */
    static long[] reshape(long[] dims, long[] target, boolean allowZero) {
        long total = 1;
        for (long d : dims) {
            total *= d;
        }
        long[] out = target.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = dims[i];
            }
            if (out[i] == -1) {
                unknown = i;
            } else {
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            out[unknown] = known == 0 ? 0 : total / known;
        }
        return out;
    }

    /** Row-major transpose: output axis i is input axis perm[i]. */
    static double[] transpose(double[] values, long[] dims, long[] perm) {
        int rank = dims.length;
        long[] inStrides = new long[rank];
        long stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStrides[i] = stride;
            stride *= dims[i];
        }
        long[] outDims = new long[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = dims[(int) perm[i]];
        }
        double[] out = new double[values.length];
        long[] index = new long[rank];
        for (int o = 0; o < out.length; o++) {
            long source = 0;
            for (int i = 0; i < rank; i++) {
                source += index[i] * inStrides[(int) perm[i]];
            }
            out[o] = values[(int) source];
            for (int i = rank - 1; i >= 0; i--) { // next output index, row-major
                if (++index[i] < outDims[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return out;
    }
}
