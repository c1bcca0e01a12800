package io.qsvit.model.opset;

/** Scatter was deprecated at op-set 11 for ScatterElements, which has the same inputs and meaning. */
final class Scatters {
    private Scatters() {
    }

    static void register(AdapterTable table) {
        table.add("Scatter", 11, (node, rewrite) -> rewrite.emit(node.toBuilder().setOpType("ScatterElements")));
    }
}
