package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Group;
import io.qsvit.quant.Scheme;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The cost the heterogeneous search minimises under the accuracy requirement: the bytes the real artifact
 * stores ({@code stored_bytes}: codes at their 4-, 8- or 16-bit container width plus scales and tables), the
 * energy estimate per image ({@code energy}, from the float model's firing rates), the weight bits
 * ({@code effective_bits}, params x bits), or a weighted mix such as {@code stored_bytes=0.5,energy=0.5}.
 * Each cost enters as a fraction of the float model's, so that the weights mix like quantities.
 */
public record Objective(Map<Cost, Double> weights) {
    /** Parts per billion of the float model's cost: the knapsack's integer unit. */
    static final double UNITS = 1e9;

    /** One cost a setting has. */
    public enum Cost {
        STORED_BYTES, ENERGY, EFFECTIVE_BITS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Objective {
        weights = Map.copyOf(new EnumMap<>(weights));
        if (weights.isEmpty()) {
            throw new UserInputException("an objective needs at least one cost");
        }
        weights.forEach((cost, weight) -> {
            if (!(weight > 0 && weight <= 1e6)) {
                throw new UserInputException("objective weight of " + cost.id() + " must be in (0, 1e6], got " + weight);
            }
        });
    }

    /** {@code stored_bytes}, {@code energy}, {@code effective_bits}, or {@code cost=weight,...} of those. */
    public static Objective parse(String text) {
        String forms = "stored_bytes, energy, effective_bits, or a weighted mix such as stored_bytes=0.5,energy=0.5";
        if (text == null || text.isBlank()) {
            throw new UserInputException("missing objective: expected " + forms);
        }
        Map<Cost, Double> weights = new EnumMap<>(Cost.class);
        for (String part : text.split(",", -1)) {
            String[] kv = part.strip().split("=", -1);
            Cost cost = List.of(Cost.values()).stream().filter(c -> c.id().equals(kv[0].strip())).findFirst()
                    .orElseThrow(() -> new UserInputException("unknown objective '" + text + "': expected " + forms));
            double weight;
            if (kv.length == 1) {
                weight = 1;
            } else if (kv.length == 2) {
                try {
                    weight = Double.parseDouble(kv[1].strip());
                } catch (NumberFormatException e) {
                    throw new UserInputException("objective weight '" + kv[1].strip() + "' in '" + text + "' is not a number");
                }
            } else {
                throw new UserInputException("unknown objective '" + text + "': expected " + forms);
            }
            if (weights.put(cost, weight) != null) {
                throw new UserInputException("objective '" + text + "' names " + cost.id() + " twice");
            }
        }
        return new Objective(weights);
    }

    /** Canonical text (costs in a fixed order), as recorded in outputs and cache keys. */
    public String id() {
        if (weights.size() == 1 && weights.values().iterator().next() == 1.0) {
            return weights.keySet().iterator().next().id();
        }
        StringJoiner text = new StringJoiner(",");
        new EnumMap<>(weights).forEach((cost, weight) -> text.add(cost.id() + "=" + weight));
        return text.toString();
    }

    public boolean uses(Cost cost) {
        return weights.containsKey(cost);
    }

    /**
     * The knapsack cost of a group at a scheme: the weighted sum of its costs, each divided by the float
     * model's total, in {@link #UNITS}.
     *
     * @param energy per-group energy under a scheme, or null when the objective does not use energy
     */
    GroupCost costs(List<Group> groups, GroupEnergy energy) {
        Map<Cost, GroupCost> parts = new EnumMap<>(Cost.class);
        parts.put(Cost.STORED_BYTES, CostMetric.STORAGE_BYTES::of);
        parts.put(Cost.EFFECTIVE_BITS, CostMetric.WEIGHT_BITS::of);
        if (energy != null) {
            parts.put(Cost.ENERGY, (g, s) -> Math.round(energy.picojoules(g, s) * 1e3)); // femtojoules
        }
        Map<Cost, Double> floatTotals = new EnumMap<>(Cost.class);
        for (Cost cost : weights.keySet()) {
            GroupCost part = parts.get(cost);
            if (part == null) {
                throw new IllegalStateException("no per-group figure for " + cost.id());
            }
            floatTotals.put(cost, (double) groups.stream().mapToLong(g -> part.of(g, Scheme.FLOAT32)).sum());
        }
        return (group, scheme) -> {
            double sum = 0;
            for (Map.Entry<Cost, Double> w : weights.entrySet()) {
                double total = floatTotals.get(w.getKey());
                sum += total == 0 ? 0 : w.getValue() * parts.get(w.getKey()).of(group, scheme) / total;
            }
            return Math.round(sum * UNITS);
        };
    }

    /** A group's cost under a scheme, in some integer unit. */
    @FunctionalInterface
    interface GroupCost {
        long of(Group group, Scheme scheme);
    }
}
