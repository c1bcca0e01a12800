package io.qsvit.model.opset;

/**
 * GRU, LSTM and RNN dropped {@code output_sequence} at op-set 7: whether the sequence output Y exists is now
 * said by the node's outputs alone, as it already was in practice. (Their {@code layout} attribute of op-set
 * 14 defaults to the old layout.)
 */
final class Recurrents {
    private Recurrents() {
    }

    static void register(AdapterTable table) {
        for (String op : new String[] {"GRU", "LSTM", "RNN"}) {
            table.add(op, 7, (node, rewrite) -> rewrite.emit(Attributes.remove(node.toBuilder(), "output_sequence")));
        }
    }
}
