package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * At op-set 10 Slice's {@code starts}, {@code ends} and {@code axes} attributes became inputs (with an optional
 * {@code steps}), and TopK's {@code k} became the input K; the meaning stayed.
 */
final class Slices {
    private Slices() {
    }

    static void register(AdapterTable table) {
        table.add("Slice", 10, Slices::slice);
        table.add("TopK", 10, Slices::topK);
    }

    private static void slice(NodeProto node, Rewrite rewrite) {
        long[] starts = Attributes.ints(node, "starts");
        long[] ends = Attributes.ints(node, "ends");
        if (starts == null || ends == null || starts.length != ends.length) {
            throw rewrite.refuse("it needs starts and ends of the same length");
        }
        long[] axes = Attributes.ints(node, "axes");
        NodeProto.Builder b = Attributes.remove(node.toBuilder(), "starts", "ends", "axes");
        b.addInput(rewrite.int64s("starts", starts)).addInput(rewrite.int64s("ends", ends));
        if (axes != null) {
            b.addInput(rewrite.int64s("axes", axes));
        }
        rewrite.emit(b);
    }

    private static void topK(NodeProto node, Rewrite rewrite) {
        if (!Attributes.has(node, "k")) {
            throw rewrite.refuse("it has no k");
        }
        String k = rewrite.int64s("k", Attributes.i(node, "k", 0));
        rewrite.emit(Attributes.remove(node.toBuilder(), "k").addInput(k));
    }
}
