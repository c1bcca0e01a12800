package io.qsvit.model.opset;

/**
 * Scan at op-set 8 ran its body once per batch entry, with optional per-entry sequence lengths; from op-set 9
 * it has no batch axis. Rewriting that is a Loop over the batch around the body; qsvit refuses instead.
 */
final class Scans {
    private Scans() {
    }

    static void register(AdapterTable table) {
        table.add("Scan", 9, (node, rewrite) -> {
            throw rewrite.refuse("op-set 8 Scan loops over a batch axis (and per-entry sequence lengths) "
                    + "that op-set 9 Scan does not have");
        });
    }
}
