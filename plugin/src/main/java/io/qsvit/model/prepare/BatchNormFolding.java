package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.qsvit.model.NodeAttributes;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.qsvit.model.Float16;
import io.qsvit.model.Layer;
import io.qsvit.model.LayerFinder;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TensorData;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Folds inference-mode BatchNormalization into the weight layer before it, as a device stores it:
 * BN(y) = s * y + t per channel with s = scale / sqrt(var + epsilon) and t = B - mean * s, so for
 * y = W x + b the layer becomes (s W) x + (s b + t). Supported layouts, the BN's channel axis followed back
 * to the layer's output channels:
 * <ul>
 *   <li>Conv and ConvTranspose (any group count): output channel axis 1, the bias is input 2 (added if absent);</li>
 *   <li>Gemm with a constant B: output columns, the bias is C (added if absent; beta must be 1);</li>
 *   <li>MatMul with a constant rank-2 weight, x @ W (the last axis) or W @ x (the second to last), also through
 *       the Transpose a BatchNorm1d over tokens needs ({@code fc(x).transpose(1, 2)}): a bias Add in the chain
 *       is folded into, or a new Add [C] inserted after the MatMul.</li>
 * </ul>
 * Between the layer and the BN only Transpose, Identity and one Add of a constant along the channel axis may
 * stand, and every value on the way must be read by the next node alone. A weight other nodes also read is
 * copied for this layer first. Anything else is left as it is, with the reason. Arithmetic is in double,
 * rounded once to the tensor's type.
 */
final class BatchNormFolding {
    private static final Set<Integer> FLOAT_TYPES = Set.of(DataType.FLOAT_VALUE, DataType.FLOAT16_VALUE,
            DataType.BFLOAT16_VALUE, DataType.DOUBLE_VALUE);

    private final GraphEdit graph;
    private final OnnxModel model;
    private final List<PreparationRecord.Fold> folded = new ArrayList<>();
    private final List<PreparationRecord.Kept> kept = new ArrayList<>();

    private BatchNormFolding(GraphEdit graph, OnnxModel model) {
        this.graph = graph;
        this.model = model;
    }

    /** Folds every BatchNormalization it can; the lists say what was folded and what was kept, and why. */
    static BatchNormFolding run(GraphEdit graph, OnnxModel model) {
        BatchNormFolding folding = new BatchNormFolding(graph, model);
        for (NodeProto snapshot : graph.nodes()) {
            if (GraphEdit.isStandard(snapshot) && snapshot.getOpType().equals("BatchNormalization")) {
                NodeProto node = graph.producer(snapshot.getOutput(0)); // as earlier folds left it
                String reason = folding.fold(node);
                if (reason != null) {
                    folding.kept.add(new PreparationRecord.Kept(label(node), reason));
                }
            }
        }
        return folding;
    }

    List<PreparationRecord.Fold> folded() {
        return folded;
    }

    List<PreparationRecord.Kept> kept() {
        return kept;
    }

    /** The chain from a layer's output to the BN, and where the BN's channel axis sits along it. */
    private static final class Chain {
        final List<NodeProto> nodes = new ArrayList<>(); // from the BN back to the layer
        NodeProto layerNode;
        NodeProto biasAdd;
        int biasAddConstant;
        int axisAtAdd;
        int rankAtAdd = -1;
        int axis = 1; // at the layer's output once the walk ends
        int rank = -1;
    }

    /** Folds one BN; returns null when folded, else why not. */
    private String fold(NodeProto bn) {
        String reason = checkBatchNorm(bn);
        if (reason != null) {
            return reason;
        }
        Chain chain = new Chain();
        reason = walkBack(bn, chain);
        if (reason != null) {
            return reason;
        }
        NodeProto node = chain.layerNode;
        int weightInput = node.getOpType().equals("MatMul") && !isConstantWeight(node, 1) ? 0 : 1;
        Layer layer = LayerFinder.layerAt(graph.build(), node, weightInput);
        if (layer == null || layer.encoded()) {
            return "the " + node.getOpType() + " before it has no constant float weight";
        }
        if (layer.channelAxis() < 0) {
            return "the channel axis of the " + node.getOpType() + "'s weight is unknown (it is reshaped)";
        }
        reason = settleRank(chain, node, layer);
        if (reason != null) {
            return reason;
        }
        reason = checkLayout(chain, node, weightInput);
        if (reason != null) {
            return reason;
        }
        int channels = channels(layer, node);
        double[] scale = params(bn, 1);
        double[] bias = params(bn, 2);
        double[] mean = params(bn, 3);
        double[] variance = params(bn, 4);
        if (scale.length != channels || bias.length != channels || mean.length != channels || variance.length != channels) {
            return "its parameters have " + scale.length + " channels where the " + node.getOpType() + " has " + channels;
        }
        reason = checkBiasTerms(chain, node, channels);
        if (reason != null) {
            return reason;
        }
        boolean single = graph.constant(layer.tensorName()).getDataType() != DataType.DOUBLE_VALUE
                && graph.constant(bn.getInput(1)).getDataType() != DataType.DOUBLE_VALUE;
        Affine affine = new Affine(scale, bias, mean, variance, NodeAttributes.real(bn, "epsilon", 1e-5f), single);
        boolean copied = ownWeight(node, weightInput, layer);
        if (copied) {
            node = graph.producer(node.getOutput(0));
            layer = LayerFinder.layerAt(graph.build(), node, weightInput);
        }
        scaleWeight(layer, node, affine);
        boolean biasAdded = foldBias(chain, node, weightInput, affine, bn);
        // the node just before the BN now computes its output: take over the BN's output name, drop the BN
        NodeProto last = graph.producer(bn.getInput(0));
        NodeProto.Builder renamed = last.toBuilder();
        for (int i = 0; i < last.getOutputCount(); i++) {
            if (last.getOutput(i).equals(bn.getInput(0))) {
                renamed.setOutput(i, bn.getOutput(0));
            }
        }
        graph.remove(bn);
        graph.replace(last, renamed.build());
        String type = DataType.forNumber(graph.constant(bn.getInput(1)).getDataType()).name().toLowerCase(java.util.Locale.ROOT);
        folded.add(new PreparationRecord.Fold(label(bn), label(node), node.getOpType(), biasAdded, copied, type));
        return null;
    }

    /**
     * BN(y) = s * (y - mean) + B with s = scale / sqrt(var + epsilon), in the order and precision ONNX Runtime's
     * own Conv+BatchNorm fusion computes it (float32 for float32 tensors): where ONNX Runtime would fuse the
     * original at load time, the prepared model then holds exactly the weights it would have computed.
     */
    private static final class Affine {
        final double[] s;
        final double[] mean;
        final double[] shift;
        final boolean single;

        Affine(double[] scale, double[] shift, double[] mean, double[] variance, float epsilon, boolean single) {
            this.single = single;
            this.mean = mean;
            this.shift = shift;
            this.s = new double[scale.length];
            for (int c = 0; c < s.length; c++) {
                s[c] = r(scale[c] / r(Math.sqrt(r(variance[c] + epsilon))));
            }
        }

        private double r(double v) {
            return single ? (float) v : v;
        }

        /** A weight (or a bias before the one that takes the shift) times s. */
        double scaled(double v, int c) {
            return r(v * s[c]);
        }

        /** The bias nearest the BN: (b - mean) * s + B. */
        double shifted(double v, int c) {
            return r(r(r(v - mean[c]) * s[c]) + shift[c]);
        }

        /** The bias of a layer that had none: B - mean * s. */
        double bias(int c) {
            return r(shift[c] - r(mean[c] * s[c]));
        }

        int channels() {
            return s.length;
        }
    }

    private String checkBatchNorm(NodeProto bn) {
        if (NodeAttributes.integer(bn, "training_mode", 0) != 0) {
            return "training_mode is set: it normalises with the batch's statistics";
        }
        if (NodeAttributes.integer(bn, "spatial", 1) == 0) {
            return "spatial=0: its statistics are per activation, not per channel";
        }
        if (bn.getInputCount() != 5) {
            return "it has " + bn.getInputCount() + " inputs instead of 5";
        }
        for (int i = 1; i < bn.getOutputCount(); i++) {
            if (!bn.getOutput(i).isEmpty() && graph.uses(bn.getOutput(i)) > 0) {
                return "its running statistics (output " + i + ") are read";
            }
        }
        for (int i = 1; i < 5; i++) {
            TensorProto p = graph.constant(bn.getInput(i));
            if (p == null || !FLOAT_TYPES.contains(p.getDataType())) {
                return "its parameter '" + bn.getInput(i) + "' is not a constant floating-point tensor";
            }
        }
        return null;
    }

    private String walkBack(NodeProto bn, Chain chain) {
        String value = bn.getInput(0);
        chain.rank = graph.declaredRank(value);
        while (true) {
            if (graph.uses(value) != 1) {
                return "the value it normalises ('" + value + "') is also read elsewhere";
            }
            NodeProto p = graph.producer(value);
            if (p == null || !GraphEdit.isStandard(p)) {
                return "it does not follow a weight layer";
            }
            switch (p.getOpType()) {
                case "Conv", "ConvTranspose", "Gemm", "MatMul" -> {
                    chain.layerNode = p;
                    if (chain.rank < 0) {
                        chain.rank = graph.declaredRank(p.getOutput(0));
                    }
                    return null;
                }
                case "Identity" -> {
                    chain.nodes.add(p);
                    value = p.getInput(0);
                }
                case "Transpose" -> {
                    long[] perm = GraphEdit.intsAttribute(p, "perm");
                    if (perm == null) {
                        if (chain.rank < 0) {
                            return "a Transpose without perm stands before it and the rank is unknown";
                        }
                        perm = new long[chain.rank];
                        for (int i = 0; i < perm.length; i++) {
                            perm[i] = perm.length - 1 - i;
                        }
                    }
                    if (chain.axis >= perm.length) {
                        return "a Transpose before it has fewer axes than it normalises";
                    }
                    chain.rank = perm.length;
                    chain.axis = (int) perm[chain.axis];
                    chain.nodes.add(p);
                    value = p.getInput(0);
                }
                case "Add" -> {
                    if (chain.biasAdd != null || p.getInputCount() != 2) {
                        return "more than one addition stands between it and the layer";
                    }
                    boolean first = graph.isConstant(p.getInput(0));
                    boolean second = graph.isConstant(p.getInput(1));
                    if (first == second) {
                        return "an Add before it does not add a constant";
                    }
                    chain.biasAdd = p;
                    chain.biasAddConstant = first ? 0 : 1;
                    chain.axisAtAdd = chain.axis;
                    chain.rankAtAdd = chain.rank;
                    chain.nodes.add(p);
                    value = p.getInput(first ? 1 : 0);
                }
                default -> {
                    return "it follows " + p.getOpType() + ", not a weight layer";
                }
            }
        }
    }

    private boolean isConstantWeight(NodeProto node, int input) {
        return input < node.getInputCount() && LayerFinder.layerAt(graph.build(), node, input) != null;
    }

    /**
     * The rank of the layer's output, which Transpose, Identity and a bias Add keep: a convolution's is its
     * weight's, a Gemm's 2, a MatMul's what a Transpose on the way or the graph declares.
     */
    private String settleRank(Chain chain, NodeProto node, Layer layer) {
        int rank = switch (node.getOpType()) {
            case "Conv", "ConvTranspose" -> layer.dims().length;
            case "Gemm" -> 2;
            default -> chain.rank >= 0 ? chain.rank : graph.declaredRank(node.getOutput(0));
        };
        if (chain.rank >= 0 && chain.rank != rank) {
            return "the rank of the values between it and the " + node.getOpType() + " changes";
        }
        chain.rank = rank;
        if (chain.biasAdd != null && chain.rankAtAdd < 0) {
            chain.rankAtAdd = rank;
        }
        return null;
    }

    /** The BN's axis, followed back to the layer, must be the layer's output channel axis. */
    private String checkLayout(Chain chain, NodeProto node, int weightInput) {
        String op = node.getOpType();
        if (op.equals("Gemm") && weightInput != 1) {
            return "the Gemm's weight is its A input: the BN's channels are not the weight's";
        }
        if (op.equals("MatMul")) {
            int rank = chain.rank;
            if (rank < 0) {
                return "the rank of the MatMul's output is not declared, so its channel axis is unknown";
            }
            int channelAxis = weightInput == 1 ? rank - 1 : rank - 2;
            if (chain.axis != channelAxis) {
                return "it normalises axis " + chain.axis + " of the MatMul's output, not its channels (axis "
                        + channelAxis + ")";
            }
            return null;
        }
        if (chain.axis != 1) {
            return "it normalises axis " + chain.axis + " of the " + op + "'s output, not its channels (axis 1)";
        }
        return null;
    }

    private static int channels(Layer layer, NodeProto node) {
        if (node.getOpType().equals("ConvTranspose")) {
            return (int) (layer.dims()[1] * NodeAttributes.integer(node, "group", 1));
        }
        return layer.dims()[layer.channelAxis()];
    }

    private double[] params(NodeProto bn, int input) {
        return TensorData.numbers(graph.constant(bn.getInput(input)), model);
    }

    /** Bias terms that must scale along: the layer's own (input 2), the chain's Add; checked before any edit. */
    private String checkBiasTerms(Chain chain, NodeProto node, int channels) {
        if (chain.biasAdd != null) {
            TensorProto add = graph.constant(chain.biasAdd.getInput(chain.biasAddConstant));
            if (!FLOAT_TYPES.contains(add.getDataType())) {
                return "the Add before it adds a " + DataType.forNumber(add.getDataType()) + " tensor";
            }
            if (chain.rankAtAdd < 0) {
                return "the rank at the Add before it is unknown";
            }
            if (!alongAxis(add, chain.axisAtAdd, chain.rankAtAdd, channels)) {
                return "the Add before it is not a per-channel bias";
            }
        }
        boolean hasOwnBias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        if (node.getOpType().equals("MatMul") || !hasOwnBias) {
            return null;
        }
        TensorProto own = graph.constant(node.getInput(2));
        if (own == null || !FLOAT_TYPES.contains(own.getDataType())) {
            return "the " + node.getOpType() + "'s bias is not a constant";
        }
        if (node.getOpType().equals("Gemm")) {
            if (NodeAttributes.real(node, "beta", 1f) != 1f && chain.biasAdd == null) {
                return "the Gemm's beta is not 1";
            }
            if (own.getDimsCount() > 2 || own.getDimsCount() > 0 && lastDim(own) != 1 && lastDim(own) != channels) {
                return "the Gemm's C does not broadcast along its columns";
            }
        } else if (own.getDimsCount() != 1 || own.getDims(0) != channels) {
            return "the " + node.getOpType() + "'s bias has shape " + own.getDimsList();
        }
        return null;
    }

    private static long lastDim(TensorProto t) {
        return t.getDims(t.getDimsCount() - 1);
    }

    /** True when the tensor, broadcast to {@code rank}, varies along {@code axis} only (or is one value). */
    private static boolean alongAxis(TensorProto t, int axis, int rank, int channels) {
        int r = t.getDimsCount();
        if (r > rank) {
            return false;
        }
        for (int j = 0; j < r; j++) {
            long d = t.getDims(j);
            boolean channelDim = rank - r + j == axis;
            if (channelDim ? d != 1 && d != channels : d != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives the node its own copy of its weight when the weight (or a value between it and the node) is read by
     * other nodes too, so scaling it changes this layer alone. Returns true when it copied.
     */
    private boolean ownWeight(NodeProto node, int weightInput, Layer layer) {
        List<NodeProto> via = new ArrayList<>(); // from the node back to the stored tensor
        String value = node.getInput(weightInput);
        boolean shared = graph.uses(value) > 1;
        while (!value.equals(layer.tensorName())) {
            NodeProto p = graph.producer(value);
            via.add(p);
            value = p.getInput(0);
            shared |= graph.uses(value) > 1;
        }
        if (!shared) {
            return false;
        }
        String stored = graph.fresh(layer.tensorName() + "::bn_folded");
        TensorProto copy = graph.constant(layer.tensorName()).toBuilder().setName(stored).build();
        if (graph.isConstantNode(layer.tensorName())) {
            NodeProto constant = graph.producer(layer.tensorName());
            graph.insertBefore(node, constant.toBuilder().setName(graph.fresh(constant.getName() + "::bn_folded"))
                    .setOutput(0, stored).build());
        } else {
            graph.addInitializer(copy);
        }
        String input = stored;
        for (int i = via.size() - 1; i >= 0; i--) {
            NodeProto p = via.get(i);
            String output = graph.fresh(p.getOutput(0) + "::bn_folded");
            graph.insertBefore(node, p.toBuilder().setName(graph.fresh(p.getName() + "::bn_folded"))
                    .setInput(0, input).setOutput(0, output).build());
            input = output;
        }
        graph.replace(node, node.toBuilder().setInput(weightInput, input).build());
        return true;
    }

    private void scaleWeight(Layer layer, NodeProto node, Affine affine) {
        TensorProto stored = graph.constant(layer.tensorName());
        double[] w = TensorData.numbers(stored, model);
        int[] dims = layer.dims();
        int axis = layer.channelAxis();
        long inner = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        int size = dims[axis];
        boolean transposedConv = node.getOpType().equals("ConvTranspose");
        long group = transposedConv ? NodeAttributes.integer(node, "group", 1) : 1;
        long inPerGroup = transposedConv ? dims[0] / group : 1;
        long outer = inner * size;
        int half = halfTypeReadAs(layer.tensorName());
        for (int i = 0; i < w.length; i++) {
            int channel = (int) ((i / inner) % size);
            if (transposedConv) { // [Cin, Cout/group, k...]: output channel g * Cout/group + j
                long g = (i / outer) / inPerGroup;
                channel = (int) (g * size + channel);
            }
            w[i] = affine.scaled(w[i], channel);
            if (half == DataType.FLOAT16_VALUE) { // a float16 weight folds to float16 values, as the model stores it
                w[i] = Float16.toFloat(Float16.fromFloat((float) w[i]));
            } else if (half == DataType.BFLOAT16_VALUE) {
                w[i] = Float16.bfloatToFloat(Float16.bfloatFromFloat((float) w[i]));
            }
        }
        graph.setConstant(layer.tensorName(), TensorData.withNumbers(stored, w));
    }

    /**
     * The half-precision type a float32 weight is cast to before its layer reads it (a float16 weight's twin,
     * {@link Float16Weights}), or 0.
     */
    private int halfTypeReadAs(String weight) {
        List<NodeProto> readers = graph.readers(weight);
        if (readers.size() == 1 && readers.get(0).getOpType().equals("Cast")) {
            int to = (int) NodeAttributes.integer(readers.get(0), "to", 0);
            return to == DataType.FLOAT16_VALUE || to == DataType.BFLOAT16_VALUE ? to : 0;
        }
        return 0;
    }

    /**
     * Scales every bias term by s and adds t to the one nearest the BN, adding a bias where the layer has none.
     * Returns true when a bias was added.
     */
    private boolean foldBias(Chain chain, NodeProto node, int weightInput, Affine affine, NodeProto bn) {
        String op = node.getOpType();
        boolean hasOwnBias = !op.equals("MatMul") && node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        if (hasOwnBias) {
            boolean gemm = op.equals("Gemm");
            updateConstant(node, 2, gemm ? 2 : 1, gemm ? 1 : 0, affine, chain.biasAdd == null);
        }
        if (chain.biasAdd != null) {
            updateConstant(chain.biasAdd, chain.biasAddConstant, chain.rankAtAdd, chain.axisAtAdd, affine, true);
        }
        if (hasOwnBias || chain.biasAdd != null) {
            return false;
        }
        double[] t = new double[affine.channels()];
        for (int c = 0; c < t.length; c++) {
            t[c] = affine.bias(c);
        }
        TensorProto like = graph.constant(bn.getInput(2)); // the BN's type is the layer output's type
        String name = graph.fresh(node.getOutput(0) + "::bn_bias");
        if (op.equals("MatMul")) {
            long[] shape = weightInput == 1 ? new long[] {t.length} : new long[] {t.length, 1};
            graph.addInitializer(tensor(like, name, shape, t));
            String product = graph.fresh(node.getOutput(0) + "::matmul");
            NodeProto add = NodeProto.newBuilder().setOpType("Add").setName(graph.fresh(node.getName() + "::bn_bias"))
                    .addInput(product).addInput(name).addOutput(node.getOutput(0)).build();
            NodeProto renamed = node.toBuilder().setOutput(0, product).build();
            graph.replace(node, renamed);
            graph.insertAfter(renamed, add);
            return true;
        }
        graph.addInitializer(tensor(like, name, new long[] {t.length}, t));
        NodeProto.Builder b = node.toBuilder();
        while (b.getInputCount() < 2) {
            b.addInput("");
        }
        if (b.getInputCount() == 2) {
            b.addInput(name);
        } else {
            b.setInput(2, name);
        }
        NodeProto withBias = b.build();
        if (op.equals("Gemm")) { // beta scaled a C that was not there: the new C is added as it is
            withBias = withFloat(withBias, "beta", 1f);
        }
        graph.replace(node, withBias);
        return true;
    }

    /**
     * constant' = constant * s, or (constant - mean) * s + B when it takes the shift, along {@code axis} of the value it is broadcast to ({@code rank} axes),
     * expanded to hold one value per channel; a constant other nodes also read is copied first.
     */
    private void updateConstant(NodeProto reader, int input, int rank, int axis, Affine affine, boolean shift) {
        String name = reader.getInput(input);
        TensorProto old = graph.constant(name);
        double[] values = TensorData.numbers(old, model);
        int channels = affine.channels();
        // the constant's shape, padded with leading 1s until it reaches the channel axis, then widened there
        int r = old.getDimsCount();
        int padded = Math.max(r, rank - axis);
        long[] shape = new long[padded];
        for (int j = 0; j < padded; j++) {
            shape[j] = j < padded - r ? 1 : old.getDims(j - (padded - r));
        }
        int channelDim = axis - (rank - padded);
        long[] expanded = shape.clone();
        expanded[channelDim] = channels;
        long total = 1;
        for (long d : expanded) {
            total *= d;
        }
        long inner = 1;
        for (int j = channelDim + 1; j < expanded.length; j++) {
            inner *= expanded[j];
        }
        double[] out = new double[(int) total];
        for (int i = 0; i < out.length; i++) {
            int channel = (int) ((i / inner) % channels);
            double v = values[sourceIndex(i, expanded, shape)];
            out[i] = shift ? affine.shifted(v, channel) : affine.scaled(v, channel);
        }
        TensorProto updated = tensor(old, name, expanded, out);
        if (graph.uses(name) > 1) {
            String copy = graph.fresh(name + "::bn_folded");
            graph.addInitializer(updated.toBuilder().setName(copy).build());
            NodeProto current = graph.readers(name).stream().filter(n -> n.getOutputList().equals(reader.getOutputList()))
                    .findFirst().orElseThrow();
            graph.replace(current, current.toBuilder().setInput(input, copy).build());
        } else {
            graph.setConstant(name, updated);
        }
    }

    /** Index into the unexpanded tensor of element {@code i} of the expanded one (size-1 axes broadcast). */
    private static int sourceIndex(int i, long[] expanded, long[] shape) {
        long index = 0;
        long stride = 1;
        long rest = i;
        long[] strides = new long[shape.length];
        for (int j = shape.length - 1; j >= 0; j--) {
            strides[j] = stride;
            stride *= shape[j];
        }
        for (int j = expanded.length - 1; j >= 0; j--) {
            long coordinate = rest % expanded[j];
            rest /= expanded[j];
            index += (shape[j] == 1 ? 0 : coordinate) * strides[j];
        }
        return (int) index;
    }

    private static TensorProto tensor(TensorProto like, String name, long[] shape, double[] values) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(like.getDataType());
        for (long d : shape) {
            b.addDims(d);
        }
        return TensorData.withNumbers(b.build(), values);
    }

    private static NodeProto withFloat(NodeProto node, String name, float value) {
        NodeProto.Builder b = node.toBuilder().clearAttribute();
        node.getAttributeList().stream().filter(a -> !a.getName().equals(name)).forEach(b::addAttribute);
        return b.addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value)).build();
    }

    static String label(NodeProto node) {
        return node.getName().isEmpty() ? node.getOpType() + " -> " + node.getOutput(0) : node.getName();
    }
}
