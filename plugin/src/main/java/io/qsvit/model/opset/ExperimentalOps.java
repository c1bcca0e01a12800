package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.OptionalInt;

/**
 * The experimental operators ONNX removed with op-set 10 (ONNX 1.5), which Caffe2- and CNTK-era converters
 * wrote (ImageScaler in the model zoo's older detectors, say): those with a plain equivalent become it
 * (ImageScaler, Scale, Affine, ScaledTanh, ParametricSoftplus: Mul/Add/Tanh/Softplus; Crop and DynamicSlice:
 * Slice), the rest are refused. MeanVarianceNormalization, experimental until op-set 9 made it standard with
 * {@code axes}, loses {@code across_channels} and {@code normalize_variance} there.
 */
final class ExperimentalOps {
    private static final String[] REMOVED = {"ATen", "ConstantFill", "GivenTensorFill", "GRUUnit"};

    private ExperimentalOps() {
    }

    static void register(AdapterTable table) {
        table.add("ImageScaler", 10, ExperimentalOps::imageScaler);
        table.add("Scale", 10, (node, rewrite) -> {
            String x = node.getInput(0);
            rewrite.emit(named(node, rewrite.node("Mul").addInput(x).addInput(scalar(x, Attributes.f(node, "scale", 1f), rewrite))
                    .addOutput(node.getOutput(0))));
        });
        table.add("Affine", 10, (node, rewrite) -> {
            String x = node.getInput(0);
            String scaled = rewrite.fresh("scaled");
            rewrite.emit(rewrite.node("Mul").addInput(x).addInput(scalar(x, Attributes.f(node, "alpha", 1f), rewrite))
                    .addOutput(scaled));
            rewrite.emit(named(node, rewrite.node("Add").addInput(scaled).addInput(scalar(x, Attributes.f(node, "beta", 0f), rewrite))
                    .addOutput(node.getOutput(0))));
        });
        table.add("ScaledTanh", 10, (node, rewrite) -> inner(node, rewrite, "Tanh"));
        table.add("ParametricSoftplus", 10, (node, rewrite) -> inner(node, rewrite, "Softplus"));
        table.add("Crop", 10, ExperimentalOps::crop);
        table.add("DynamicSlice", 10, (node, rewrite) -> rewrite.emit(node.toBuilder().setOpType("Slice")));
        table.add("MeanVarianceNormalization", 9, ExperimentalOps::meanVarianceNormalization);
        for (String op : REMOVED) {
            table.add(op, 10, (node, rewrite) -> {
                throw rewrite.refuse("it is an experimental operator that ONNX removed at op-set 10");
            });
        }
    }

    /** The replacement's last node keeps the experimental node's name. */
    private static NodeProto.Builder named(NodeProto node, NodeProto.Builder replacement) {
        return node.getName().isEmpty() ? replacement : replacement.setName(node.getName());
    }

    private static String scalar(String like, float value, Rewrite rewrite) {
        return rewrite.constant("constant", Pads.typedScalar(like, value, rewrite, "constant"));
    }

    /** alpha * f(beta * x). */
    private static void inner(NodeProto node, Rewrite rewrite, String f) {
        String x = node.getInput(0);
        String scaled = rewrite.fresh("scaled");
        String applied = rewrite.fresh(f.toLowerCase(java.util.Locale.ROOT));
        rewrite.emit(rewrite.node("Mul").addInput(x).addInput(scalar(x, Attributes.f(node, "beta", 1f), rewrite)).addOutput(scaled));
        rewrite.emit(rewrite.node(f).addInput(scaled).addOutput(applied));
        rewrite.emit(named(node, rewrite.node("Mul").addInput(applied).addInput(scalar(x, Attributes.f(node, "alpha", 1f), rewrite))
                .addOutput(node.getOutput(0))));
    }

    /** scale * x + bias[c] on NCHW input. */
    private static void imageScaler(NodeProto node, Rewrite rewrite) {
        String x = node.getInput(0);
        OptionalInt type = rewrite.elementType(x);
        if (type.isPresent() && type.getAsInt() != DataType.FLOAT_VALUE) {
            throw rewrite.refuse("only float32 input is rewritten");
        }
        float[] bias = Attributes.floats(node, "bias");
        String scaled = rewrite.fresh("scaled");
        rewrite.emit(rewrite.node("Mul").addInput(x).addInput(rewrite.constant("scale",
                Tensors.floats(Attributes.f(node, "scale", 1f)).toBuilder().clearDims().build())).addOutput(bias == null
                ? node.getOutput(0) : scaled));
        if (bias != null) {
            TensorProto biasTensor = Tensors.floats(bias).toBuilder().clearDims().addDims(1).addDims(bias.length)
                    .addDims(1).addDims(1).build();
            rewrite.emit(named(node, rewrite.node("Add").addInput(scaled).addInput(rewrite.constant("bias", biasTensor))
                    .addOutput(node.getOutput(0))));
        }
    }

    /** Crop's border (left, top, right, bottom) and optional scale (height, width) on NCHW input: a Slice. */
    private static void crop(NodeProto node, Rewrite rewrite) {
        long[] border = Attributes.ints(node, "border");
        if (border == null || border.length != 4) {
            throw rewrite.refuse("it needs a border of four values");
        }
        long[] scale = Attributes.ints(node, "scale");
        long top = border[1];
        long left = border[0];
        long[] ends;
        if (scale != null && scale.length == 2) {
            ends = new long[] {top + scale[0], left + scale[1]};
        } else {
            ends = new long[] {border[3] > 0 ? -border[3] : Long.MAX_VALUE, border[2] > 0 ? -border[2] : Long.MAX_VALUE};
        }
        rewrite.emit(named(node, rewrite.node("Slice").addInput(node.getInput(0))
                .addInput(rewrite.int64s("starts", top, left)).addInput(rewrite.int64s("ends", ends))
                .addInput(rewrite.int64s("axes", 2, 3)).addOutput(node.getOutput(0))));
    }

    private static void meanVarianceNormalization(NodeProto node, Rewrite rewrite) {
        if (!Attributes.has(node, "across_channels") && !Attributes.has(node, "normalize_variance")) {
            rewrite.emit(node); // the defaults of both forms agree: axes (0, 2, 3), variance normalized
            return;
        }
        long[] axes = Attributes.i(node, "across_channels", 0) != 0 ? new long[] {0, 1, 2, 3} : new long[] {0, 2, 3};
        if (Attributes.i(node, "normalize_variance", 1) != 0) {
            rewrite.emit(Attributes.setInts(Attributes.remove(node.toBuilder(), "across_channels", "normalize_variance"),
                    "axes", axes));
            return;
        }
        String mean = rewrite.fresh("mean");
        rewrite.emit(Attributes.setInt(Attributes.setInts(rewrite.node("ReduceMean").addInput(node.getInput(0))
                .addOutput(mean), "axes", axes), "keepdims", 1));
        rewrite.emit(named(node, rewrite.node("Sub").addInput(node.getInput(0)).addInput(mean).addOutput(node.getOutput(0))));
    }
}
