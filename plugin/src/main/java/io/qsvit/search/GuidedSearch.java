package io.qsvit.search;

import io.qsvit.model.Group;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QSViT's guided exploration (Alg. 3): start from bSettingH and move one group at a time one rung down its
 * ladder towards its low bound, keeping each move whose setting still meets the requirement on the
 * exploration data. A group whose move is rejected stays where it is for the rest of the run. Passes over
 * the groups repeat until no group can move.
 *
 * <p>A group's ladder is the precisions of the sensitivity matrix (QSViT's float32, uniform 16/12/8/4 when
 * there is none) between its high and its low bound, plus both bounds, from most to fewest bits. Groups are
 * visited least sensitive first, by the matrix's accuracy drop at the group's low bound, then most
 * parameters first, then in model order; without a matrix, most parameters first, then model order.
 *
 * <p>Single-group drops do not always add up, so bSettingH itself may miss the requirement. Then it is
 * repaired first: groups are raised one rung at a time up the same ladder (above the high bound, up to
 * float32), most sensitive first (the matrix's drop at the high bound, a scheme it did not measure first;
 * without a matrix, fewest parameters first), each raise kept, until the setting meets the requirement (all float32 does: that was checked).
 * Raised groups then stay where the repair left them.
 *
 * <p>With an {@link Objective}, guided spends accuracy only where it lowers the named cost: a rung no cheaper
 * under the objective than the rung above it is left off the ladder (the move goes straight to the next
 * cheaper one), rungs of equal bits stand dearest first, and groups of equal sensitivity are visited by the
 * saving their whole ladder offers, largest first (then most parameters, then model order; without a matrix,
 * the saving first); a repair raises, among equally sensitive groups, the one whose raise costs least first.
 * Without an objective, everything is as QSViT orders it, above.
 */
public final class GuidedSearch implements Exploration.Strategy {
    static final List<Scheme> QSVIT_PRECISIONS = List.of(Scheme.FLOAT32, Scheme.parse("uniform16"),
            Scheme.parse("uniform12"), Scheme.parse("uniform8"), Scheme.parse("uniform4"));

    private final Bounds bounds;
    private final SensitivityMatrix sensitivity;
    private final Setting released;
    private final Objective objective;
    private final GroupEnergy energy;
    /** The objective's price of a group at a scheme (null without an objective); set when a run starts. */
    private Objective.GroupCost price;

    /** @param sensitivity null for none */
    public GuidedSearch(Bounds bounds, SensitivityMatrix sensitivity) {
        this(bounds, sensitivity, null);
    }

    /**
     * @param released the setting of the release a retrained model replaces (warm start), or null: when it
     *                 meets the requirement on the new model, the moves start from it instead of bSettingH
     */
    public GuidedSearch(Bounds bounds, SensitivityMatrix sensitivity, Setting released) {
        this(bounds, sensitivity, released, null, null);
    }

    /**
     * @param objective the cost to lower under the requirement, or null for QSViT's own order
     * @param energy    per-group energy prices, needed when the objective uses energy (else may be null)
     */
    public GuidedSearch(Bounds bounds, SensitivityMatrix sensitivity, Setting released, Objective objective,
                        GroupEnergy energy) {
        if (objective != null && objective.uses(Objective.Cost.ENERGY) && energy == null) {
            throw new IllegalArgumentException("an energy objective needs the groups' energy prices");
        }
        this.bounds = bounds;
        this.sensitivity = sensitivity;
        this.released = released;
        this.objective = objective;
        this.energy = energy;
    }

    @Override
    public LoggedTrial choose(Exploration exploration) {
        price(exploration.groups());
        List<Group> movable = new ArrayList<>(order(exploration.groups()));
        LoggedTrial current = released == null ? null : exploration.candidate("released", null, released);
        if (current == null || !current.accepted()) {
            current = exploration.candidate("start", null, bounds.high());
            if (!current.accepted()) {
                current = repair(exploration, current, movable);
            }
        }
        Map<String, List<Scheme>> ladders = new LinkedHashMap<>();
        Map<String, Integer> rung = new HashMap<>();
        for (Group g : exploration.groups()) {
            List<Scheme> ladder = cheaperRungs(g, ladder(bounds.highOf(g.name()), bounds.lowOf(g.name())));
            ladders.put(g.name(), ladder);
            rung.put(g.name(), position(ladder, current.trial().setting().schemeOf(g)));
        }
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Group g : List.copyOf(movable)) {
                List<Scheme> ladder = ladders.get(g.name());
                int next = rung.get(g.name()) + 1;
                if (next >= ladder.size()) {
                    movable.remove(g);
                    continue;
                }
                Setting candidate = with(current.trial().setting(), g.name(), ladder.get(next));
                LoggedTrial trial = exploration.candidate("move", g.name(), candidate);
                if (trial.accepted()) {
                    current = trial;
                    rung.put(g.name(), next);
                    moved = true;
                } else {
                    movable.remove(g);
                }
            }
        }
        return current;
    }

    /** Where a scheme stands on a ladder: its rung, else the first rung with no more bits (the top for a raised group). */
    static int position(List<Scheme> ladder, Scheme scheme) {
        int exact = ladder.indexOf(scheme);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < ladder.size(); i++) {
            if (ladder.get(i).bits() <= scheme.bits()) {
                return Math.max(0, i - 1);
            }
        }
        return ladder.size() - 1;
    }

    /** Raises groups up their ladders until the setting meets the requirement; raised groups leave {@code movable}. */
    private LoggedTrial repair(Exploration exploration, LoggedTrial start, List<Group> movable) {
        Map<String, List<Scheme>> above = new LinkedHashMap<>();
        for (Group g : exploration.groups()) {
            above.put(g.name(), higher(bounds.highOf(g.name())));
        }
        List<Group> bySensitivity = new ArrayList<>(exploration.groups());
        Comparator<Group> bySize = price == null ? Comparator.comparingLong(Group::params)
                : Comparator.<Group>comparingLong(g -> raiseCost(g, bounds.highOf(g.name()))).thenComparingLong(Group::params);
        bySensitivity.sort(sensitivity == null ? bySize : Comparator.<Group>comparingDouble(g -> -sensitivity.measuredDrop(g.name(),
                bounds.highOf(g.name())).orElse(Double.MAX_VALUE)).thenComparing(bySize));
        LoggedTrial current = start;
        while (!current.accepted()) {
            for (Group g : bySensitivity) {
                List<Scheme> rungs = above.get(g.name());
                if (rungs.isEmpty()) {
                    continue;
                }
                movable.remove(g);
                current = exploration.candidate("raise", g.name(), with(current.trial().setting(), g.name(), rungs.remove(0)));
                if (current.accepted()) {
                    break;
                }
            }
        }
        return current;
    }

    /** Prices the model's groups under the objective (nothing without one). */
    void price(List<Group> groups) {
        price = objective == null ? null : objective.costs(groups, energy);
    }

    /** What raising a group one rung above a scheme adds under the objective. */
    private long raiseCost(Group g, Scheme scheme) {
        List<Scheme> up = higher(scheme);
        return up.isEmpty() ? 0 : price.of(g, up.get(0)) - price.of(g, scheme);
    }

    /**
     * The ladder with the objective: equal-bit rungs dearest first, and only rungs cheaper than the one above
     * (a move that lowers nothing the user pays for would only spend accuracy). Without one, the ladder as is.
     */
    List<Scheme> cheaperRungs(Group g, List<Scheme> ladder) {
        if (price == null) {
            return ladder;
        }
        List<Scheme> sorted = new ArrayList<>(ladder.subList(1, ladder.size()));
        sorted.sort(Comparator.comparingInt(Scheme::bits).reversed()
                .thenComparing(Comparator.<Scheme>comparingLong(s -> price.of(g, s)).reversed()));
        List<Scheme> rungs = new ArrayList<>(List.of(ladder.get(0)));
        for (Scheme s : sorted) {
            if (price.of(g, s) < price.of(g, rungs.get(rungs.size() - 1))) {
                rungs.add(s);
            }
        }
        return rungs;
    }

    /** The objective's saving of a group from its high bound down its whole ladder. */
    private long saving(Group g) {
        List<Scheme> ladder = cheaperRungs(g, ladder(bounds.highOf(g.name()), bounds.lowOf(g.name())));
        return price.of(g, ladder.get(0)) - price.of(g, ladder.get(ladder.size() - 1));
    }

    /** The known precisions above a scheme, fewest bits first, ending with float32. */
    private List<Scheme> higher(Scheme scheme) {
        List<Scheme> known = new ArrayList<>(sensitivity != null ? sensitivity.precisions() : QSVIT_PRECISIONS);
        if (!known.contains(Scheme.FLOAT32)) {
            known.add(Scheme.FLOAT32);
        }
        List<Scheme> rungs = new ArrayList<>(known.stream().filter(s -> s.bits() > scheme.bits()).distinct().toList());
        rungs.sort(Comparator.comparingInt(Scheme::bits));
        return rungs;
    }

    /** The rungs from high to low: known precisions with bits between the two bounds, and the bounds. */
    List<Scheme> ladder(Scheme high, Scheme low) {
        List<Scheme> known = sensitivity != null ? sensitivity.precisions() : QSVIT_PRECISIONS;
        List<Scheme> rungs = new ArrayList<>();
        rungs.add(high);
        for (Scheme s : known) {
            if (s.bits() < high.bits() && s.bits() > low.bits() && !rungs.contains(s)) {
                rungs.add(s);
            }
        }
        if (!low.equals(high)) {
            rungs.add(low);
        }
        rungs.sort(Comparator.comparingInt(Scheme::bits).reversed()); // stable: ties keep the order above
        return rungs;
    }

    List<Group> order(List<Group> groups) {
        Comparator<Group> bySize = Comparator.comparingLong(Group::params).reversed();
        if (price != null) {
            bySize = Comparator.<Group>comparingLong(g -> -saving(g)).thenComparing(bySize);
        }
        List<Group> ordered = new ArrayList<>(groups);
        if (sensitivity == null) {
            ordered.sort(bySize);
        } else {
            ordered.sort(Comparator.<Group>comparingDouble(g -> sensitivity.measuredDrop(g.name(), bounds.lowOf(g.name()))
                    .orElse(Double.MAX_VALUE)).thenComparing(bySize));
        }
        return ordered;
    }

    static Setting with(Setting setting, String group, Scheme scheme) {
        Map<String, Scheme> groups = new LinkedHashMap<>(setting.groups());
        groups.put(group, scheme);
        return new Setting(setting.grouping(), setting.fallback(), groups);
    }
}
