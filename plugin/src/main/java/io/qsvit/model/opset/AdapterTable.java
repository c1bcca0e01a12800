package io.qsvit.model.opset;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;

/**
 * Which adapter carries which default-domain operator across which op-set step. A key (op, v) means: the
 * operator changed at op-set v, and a node of it in a model at op-set v-1 must be rewritten to stay the same
 * computation at v. Operators without an entry kept their meaning and carry over as they are.
 */
final class AdapterTable {
    private final Map<String, NodeAdapter> adapters = new HashMap<>();
    private final Map<Integer, Set<String>> operators = new HashMap<>();

    /** All operator families of the converter. */
    static AdapterTable standard() {
        AdapterTable table = new AdapterTable();
        Broadcasts.register(table);
        ReduceAxes.register(table);
        Splits.register(table);
        Slices.register(table);
        Pads.register(table);
        Clips.register(table);
        Softmaxes.register(table);
        Normalizations.register(table);
        Dropouts.register(table);
        Resizes.register(table);
        Recurrents.register(table);
        Scatters.register(table);
        Scans.register(table);
        Samplers.register(table);
        ExperimentalOps.register(table);
        return table;
    }

    void add(String op, int version, NodeAdapter adapter) {
        if (adapters.put(op + "@" + version, adapter) != null) {
            throw new IllegalStateException("two adapters for " + op + " at op-set " + version);
        }
        operators.computeIfAbsent(version, v -> new HashSet<>()).add(op);
    }

    /** The operators that change at {@code version}: a step where the model has none of them is skipped. */
    Set<String> changingAt(int version) {
        return operators.getOrDefault(version, Set.of());
    }

    Optional<NodeAdapter> find(String op, int version) {
        return Optional.ofNullable(adapters.get(op + "@" + version));
    }
}
