package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * Raises a model's default op-set to 21, the first that lets DequantizeLinear read 4-bit and 16-bit codes.
 * Between 13 and 21 the operators qsvit's models use changed compatibly, except the Reduce family (axes moved
 * from an attribute to an input in 18), which is rewritten; operators whose meaning changed in a way we do not
 * rewrite are refused with a message, rather than silently given a new meaning.
 */
public final class OpsetUpgrade {
    public static final int TARGET = 21;
    /** IR version 10 introduced the 4-bit element types. */
    public static final long TARGET_IR = 10;

    private static final Set<String> REDUCE_AXES_TO_INPUT = Set.of("ReduceMean", "ReduceMax", "ReduceMin",
            "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    private static final Set<String> CHANGED_MEANING = Set.of("GroupNormalization", "DFT", "GridSample",
            "Scan", "Loop", "If");

    private OpsetUpgrade() {
    }

    public static ModelProto to21(ModelProto proto) {
        long from = OnnxModel.opset(proto);
        if (from >= TARGET) {
            return proto;
        }
        GraphProto.Builder graph = proto.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                continue;
            }
            if (CHANGED_MEANING.contains(node.getOpType())) {
                throw new UserInputException("4-bit and 16-bit codes need op-set 21, and node '" + node.getName()
                        + "' (" + node.getOpType() + ") cannot be carried from op-set " + from
                        + "; use 8-bit storage for this model");
            }
            if (from < 18 && REDUCE_AXES_TO_INPUT.contains(node.getOpType())) {
                graph.setNode(i, axesAsInput(node, graph, i));
            }
        }
        ModelProto.Builder model = proto.toBuilder().setGraph(graph).setIrVersion(Math.max(proto.getIrVersion(), TARGET_IR));
        for (int i = 0; i < model.getOpsetImportCount(); i++) {
            OperatorSetIdProto set = model.getOpsetImport(i);
            if (set.getDomain().isEmpty() || set.getDomain().equals("ai.onnx")) {
                model.setOpsetImport(i, set.toBuilder().setVersion(TARGET));
            }
        }
        return model.build();
    }

    private static NodeProto axesAsInput(NodeProto node, GraphProto.Builder graph, int index) {
        NodeProto.Builder b = node.toBuilder().clearAttribute();
        AttributeProto axes = null;
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("axes")) {
                axes = a;
            } else {
                b.addAttribute(a);
            }
        }
        if (axes == null) {
            return node; // no axes: reduce over all axes, the same in both versions
        }
        String name = "qsvit/opset21/axes_" + index;
        ByteBuffer data = ByteBuffer.allocate(8 * axes.getIntsCount()).order(ByteOrder.LITTLE_ENDIAN);
        axes.getIntsList().forEach(data::putLong);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(axes.getIntsCount()).setRawData(OnnxWriter.wrap(data.array())));
        while (b.getInputCount() < 1) {
            b.addInput("");
        }
        return b.addInput(name).build();
    }
}
