package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Group;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SpikeHQ's heterogeneous search space (per group: uniform or power-of-two levels, any bit width) searched
 * exactly on a proxy, then verified for real.
 *
 * <ol>
 * <li>Proxy: each group's accuracy drop under each scheme with every other group float. A cell of the
 * sensitivity matrix is used where it exists; other schemes are probed on the first {@code probeImages}
 * exploration images against the float model on the same images. A group's schemes are visited from the
 * cheapest up; once one loses nothing, dearer ones are skipped (they cannot do better than nothing lost),
 * and a scheme is probed only if it would save at least 0.1% of the float model's memory against the
 * cheapest scheme known to lose nothing (a probe costs the same for a small group as for a large one).</li>
 * <li>Solve: a multiple-choice knapsack ({@link SchemeKnapsack}) gives, for each total predicted drop (the
 * sum of the groups' drops, negative drops counted as 0, up to three times the allowed drop), the cheapest
 * setting.</li>
 * <li>Verify: without a budget, the cheapest setting predicted to lose at most the allowed drop is raced
 * first. When it is rejected, the proxy was optimistic by the ratio of the real drop (against the float
 * model on the same images) to the predicted one; the next try is the cheapest setting predicted to lose
 * at most 0.8 x allowed / that ratio (and always less than the last). The first accepted of at most four
 * is chosen. When all four miss, the most accurate of them is repaired: its groups go back, one at a time
 * and cumulatively, to their cheapest scheme predicted to lose nothing (float32 at worst), largest predicted
 * drop first, then, while it still misses, to 8 bits (the space's cheapest scheme of at least 8 bits) and
 * then to float32, the group giving up the least saving first, until the setting meets the requirement;
 * only if even that misses is the float model chosen
 * (it meets the requirement: checked before any strategy runs). Single-group drops do not add up
 * (the groups interact), and this keeps a search whose proxy was too optimistic from ending at the float
 * model when a setting a few groups dearer would do. With a budget, the
 * settings within it are raced from the least predicted drop on (at most three), and the first accepted is
 * chosen.</li>
 * </ol>
 * "Cheapest" is by accounted memory, or by the {@link Objective} the user names (stored bytes, energy,
 * effective bits or a mix), which then prices the probes' worth and the knapsack alike.
 * No randomness is involved: the same inputs give the same trials.
 */
public final class HeterogeneousSearch implements Exploration.Strategy {
    /** Drops are counted in units of 0.0001 accuracy. */
    static final double UNIT = 1e-4;
    static final int BUDGET_TRIES = 3;
    /** Settings raced without a budget before falling back to the float model. */
    static final int VERIFY_TRIES = 4;
    /** After a rejection, the next try aims at this fraction of the drop the rejection suggests. */
    static final double RETRY_MARGIN = 0.8;
    /** A scheme is probed only if it could save at least this fraction of the float model's memory. */
    static final double MIN_SAVING = 0.001;
    /** The repair's intermediate rung: weights at 8 bits lose little in QSViT's and SpikeHQ's measurements. */
    static final int SAFE_BITS = 8;

    private final SearchSpace space;
    private final Budget budget;
    private final SensitivityMatrix sensitivity;
    private final int probeImages;
    private final Setting released;
    private final Objective objective;
    private final GroupEnergy energy;

    /**
     * @param budget      null to find the setting of least accounted memory that meets the requirement
     * @param sensitivity null for none: every drop is probed
     */
    public HeterogeneousSearch(SearchSpace space, Budget budget, SensitivityMatrix sensitivity, int probeImages) {
        this(space, budget, sensitivity, probeImages, null);
    }

    /**
     * @param released the setting of the release a retrained model replaces (warm start), or null: raced
     *                 first; when it meets the requirement, only the knapsack's own choice is tried besides it,
     *                 and only if it stores fewer bits
     */
    public HeterogeneousSearch(SearchSpace space, Budget budget, SensitivityMatrix sensitivity, int probeImages,
                               Setting released) {
        this.space = space;
        this.budget = budget;
        this.sensitivity = sensitivity;
        this.probeImages = probeImages;
        this.released = released;
        this.objective = null;
        this.energy = null;
    }

    /**
     * @param objective the cost to minimise under the requirement (null: accounted memory, as without one);
     *                  excludes a budget
     * @param energy    per-group energy prices, needed when the objective uses energy (else may be null)
     */
    public HeterogeneousSearch(SearchSpace space, SensitivityMatrix sensitivity, int probeImages, Setting released,
                               Objective objective, GroupEnergy energy) {
        if (objective != null && objective.uses(Objective.Cost.ENERGY) && energy == null) {
            throw new IllegalArgumentException("an energy objective needs the groups' energy prices");
        }
        this.space = space;
        this.budget = null;
        this.sensitivity = sensitivity;
        this.probeImages = probeImages;
        this.released = released;
        this.objective = objective;
        this.energy = energy;
    }

    @Override
    public LoggedTrial choose(Exploration exploration) {
        LoggedTrial warm = released == null || budget != null ? null : exploration.candidate("released", null, released);
        Objective.GroupCost metric = budget != null ? budget.metric()::of
                : objective != null ? objective.costs(exploration.groups(), energy) : CostMetric.MEMORY_BITS::of;
        double allowed = Math.max(0, exploration.floatTrial().trial().accuracy() - exploration.required());
        int allowedUnits = (int) Math.round(allowed / UNIT);
        int capacity = 3 * allowedUnits;
        List<List<SchemeKnapsack.Option>> options = options(exploration, metric);
        SchemeKnapsack knapsack = SchemeKnapsack.solve(options, capacity);
        List<SchemeKnapsack.Solution> frontier = knapsack.frontier();
        if (warm != null && warm.accepted()) {
            Setting natural = setting(exploration, knapsack.within(allowedUnits));
            if (cost(exploration, natural, metric) < cost(exploration, released, metric)) {
                LoggedTrial better = exploration.candidate("candidate", null, natural);
                if (better.accepted()) {
                    return better;
                }
            }
            return warm;
        }
        return budget == null ? firstMeeting(exploration, frontier, knapsack.within(allowedUnits), allowed, options, metric)
                : mostAccurateWithin(exploration, frontier, options);
    }

    private static long cost(Exploration exploration, Setting setting, Objective.GroupCost metric) {
        return exploration.groups().stream().mapToLong(g -> metric.of(g, setting.schemeOf(g))).sum();
    }

    private LoggedTrial firstMeeting(Exploration exploration, List<SchemeKnapsack.Solution> frontier,
                                     SchemeKnapsack.Solution natural, double allowed,
                                     List<List<SchemeKnapsack.Option>> options, Objective.GroupCost metric) {
        LoggedTrial closest = null;
        SchemeKnapsack.Solution closestSolution = null;
        int index = 0;
        while (index + 1 < frontier.size() && frontier.get(index).cost() > natural.cost()) {
            index++;
        }
        for (int tries = 0; tries < VERIFY_TRIES && index >= 0; tries++) {
            SchemeKnapsack.Solution solution = frontier.get(index);
            LoggedTrial trial = exploration.candidate("candidate", null, setting(exploration, solution));
            if (trial.accepted()) {
                return trial;
            }
            if (closest == null || trial.trial().accuracy() > closest.trial().accuracy()) {
                closest = trial;
                closestSolution = solution;
            }
            // the proxy was optimistic by real / predicted: aim the next try that much lower, with a margin
            double real = exploration.floatAccuracyOn(trial.trial().images()) - trial.trial().accuracy();
            double predicted = Math.max(solution.dropUnits(), 1) * UNIT;
            double aim = real > 0 ? predicted * allowed / real * RETRY_MARGIN : predicted / 2;
            int next = index - 1;
            while (next > 0 && frontier.get(next).dropUnits() * UNIT > aim) {
                next--;
            }
            index = next;
        }
        return closest == null ? exploration.floatTrial() : repair(exploration, closestSolution, options, metric);
    }

    /**
     * Raises the groups of a rejected solution, largest predicted drop first (then model order), one at a time
     * and keeping each raise, to their cheapest option predicted to lose nothing, until the setting is
     * accepted; the float model when none is.
     */
    private LoggedTrial repair(Exploration exploration, SchemeKnapsack.Solution solution,
                               List<List<SchemeKnapsack.Option>> options, Objective.GroupCost metric) {
        List<Scheme> schemes = new ArrayList<>(solution.schemes());
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < schemes.size(); g++) {
            if (drop(options.get(g), schemes.get(g)) > 0) {
                order.add(g);
            }
        }
        order.sort(Comparator.<Integer>comparingInt(g -> -drop(options.get(g), schemes.get(g))).thenComparingInt(g -> g));
        for (int g : order) {
            schemes.set(g, options.get(g).stream().filter(o -> o.dropUnits() == 0)
                    .min(Comparator.comparingLong(SchemeKnapsack.Option::cost)).orElseThrow().scheme()); // float32 has 0
            LoggedTrial trial = raise(exploration, schemes, g);
            if (trial.accepted()) {
                return trial;
            }
        }
        // the groups interact: then to 8 bits (the space's cheapest scheme of 8 or more, where it has one), then
        // to float32, one group at a time, the one giving up the least first
        List<Scheme> rungs = new ArrayList<>();
        space.schemes().stream().filter(x -> x.bits() >= SAFE_BITS && !(x instanceof Scheme.Float32))
                .min(Comparator.comparingInt(Scheme::bits).thenComparing(Scheme::id)).ifPresent(rungs::add);
        rungs.add(Scheme.FLOAT32);
        for (Scheme rung : rungs) {
            List<Integer> below = new ArrayList<>();
            for (int g = 0; g < schemes.size(); g++) {
                Group group = exploration.groups().get(g);
                boolean takes = !group.isComputed() || io.qsvit.quant.ComputedFormat.applies(rung);
                if (takes && schemes.get(g).bits() < rung.bits() && metric.of(group, rung)
                        > metric.of(group, schemes.get(g))) {
                    below.add(g);
                }
            }
            below.sort(Comparator.<Integer>comparingLong(g -> metric.of(exploration.groups().get(g), rung)
                    - metric.of(exploration.groups().get(g), schemes.get(g))).thenComparingInt(g -> g));
            for (int g : below) {
                schemes.set(g, rung);
                if (schemes.stream().allMatch(x -> x instanceof Scheme.Float32)) {
                    break; // the float model
                }
                LoggedTrial trial = raise(exploration, schemes, g);
                if (trial.accepted()) {
                    return trial;
                }
            }
        }
        return exploration.floatTrial(); // meets the requirement: checked before any strategy runs
    }

    private static LoggedTrial raise(Exploration exploration, List<Scheme> schemes, int group) {
        Setting raised = setting(exploration, new SchemeKnapsack.Solution(List.copyOf(schemes), 0, 0));
        return exploration.candidate("raise", exploration.groups().get(group).name(), raised);
    }



    /** The predicted drop of a group's scheme, in units. */
    private static int drop(List<SchemeKnapsack.Option> groupOptions, Scheme scheme) {
        return groupOptions.stream().filter(o -> o.scheme().equals(scheme)).mapToInt(SchemeKnapsack.Option::dropUnits)
                .findFirst().orElse(0);
    }

    private LoggedTrial mostAccurateWithin(Exploration exploration, List<SchemeKnapsack.Solution> frontier,
                                           List<List<SchemeKnapsack.Option>> options) {
        long limit = budget.limit(exploration.model().params());
        LoggedTrial closest = null;
        int tries = 0;
        for (SchemeKnapsack.Solution solution : frontier) {
            if (tries == BUDGET_TRIES) {
                break;
            }
            if (solution.cost() > limit) {
                continue;
            }
            tries++;
            LoggedTrial trial = exploration.candidate("candidate", null, setting(exploration, solution));
            if (trial.accepted()) {
                return trial;
            }
            if (closest == null || trial.trial().accuracy() > closest.trial().accuracy()) {
                closest = trial;
            }
        }
        if (closest == null) {
            long cheapest = options.stream().mapToLong(o -> o.stream().mapToLong(SchemeKnapsack.Option::cost).min()
                    .orElseThrow()).sum();
            throw new UserInputException(String.format(Locale.ROOT, "no setting within the budget of %s is predicted "
                    + "to meet the requirement (the cheapest usable setting costs %d %s); closest setting found: "
                    + "%s (%.4f)", budget, cheapest, unit(budget.metric()),
                    exploration.describe(exploration.floatTrial().trial().setting()),
                    exploration.floatTrial().trial().accuracy()));
        }
        throw new UserInputException(String.format(Locale.ROOT, "no setting within the budget of %s meets the "
                + "requirement of %.4f: the best of %d tried reaches %.4f on %d images; closest setting found: %s",
                budget, exploration.required(), tries, closest.trial().accuracy(), closest.trial().images(),
                exploration.describe(closest.trial().setting())));
    }

    /** Per group: float32 and every scheme visited, with its cost and predicted drop in units. */
    private List<List<SchemeKnapsack.Option>> options(Exploration exploration, Objective.GroupCost metric) {
        Setting allFloat = Setting.uniform(exploration.grouping(), Scheme.FLOAT32);
        int probe = Math.min(probeImages, exploration.images());
        double floatOnProbe = exploration.measure("float", null, allFloat, probe).trial().accuracy();
        // worth a probe: a saving of 0.1% of the float model's cost; with a named objective, of the cheapest
        // setting's (the float model's energy is dominated by float multiplies, next to which any saving
        // between integer widths would look too small to probe)
        double worthwhile = MIN_SAVING * exploration.groups().stream().mapToLong(g -> objective == null
                ? metric.of(g, Scheme.FLOAT32)
                : space.schemes().stream().mapToLong(s -> metric.of(g, s)).min().orElse(0)).sum();
        List<List<SchemeKnapsack.Option>> options = new ArrayList<>();
        for (Group group : exploration.groups()) {
            long cap = metric.of(group, Scheme.FLOAT32); // cost of the cheapest scheme known to lose nothing
            List<SchemeKnapsack.Option> groupOptions = new ArrayList<>();
            groupOptions.add(new SchemeKnapsack.Option(Scheme.FLOAT32, cap, 0));
            List<Scheme> byCost = new ArrayList<>(space.schemes());
            if (sensitivity != null) {
                byCost.addAll(sensitivity.precisions().stream().filter(s -> !byCost.contains(s)).toList());
            }
            if (group.isComputed()) { // a computed tensor takes fixed point (or a uniform width placed by its range)
                byCost.removeIf(s -> !io.qsvit.quant.ComputedFormat.applies(s));
            }
            byCost.sort(Comparator.comparingLong((Scheme s) -> metric.of(group, s)).thenComparingInt(Scheme::bits));
            for (Scheme scheme : byCost) { // cells known to lose nothing set the cap before any probe
                if (known(group, scheme).filter(drop -> Math.round(drop / UNIT) <= 0).isPresent()) {
                    cap = Math.min(cap, metric.of(group, scheme));
                }
            }
            for (Scheme scheme : byCost) {
                long cost = metric.of(group, scheme);
                Optional<Double> drop = known(group, scheme);
                if (drop.isEmpty() ? cost >= cap || cap - cost < worthwhile : cost > cap) {
                    continue;
                }
                if (drop.isEmpty()) {
                    drop = Optional.of(floatOnProbe - exploration.measure("probe", group.name(),
                            alone(exploration, group, scheme), probe).trial().accuracy());
                }
                int units = (int) Math.max(0, Math.round(drop.get() / UNIT));
                groupOptions.add(new SchemeKnapsack.Option(scheme, cost, units));
                if (units == 0) {
                    cap = cost;
                }
            }
            options.add(groupOptions);
        }
        return options;
    }

    private Optional<Double> known(Group group, Scheme scheme) {
        return sensitivity == null ? Optional.empty() : sensitivity.measuredDrop(group.name(), scheme);
    }

    private static Setting alone(Exploration exploration, Group group, Scheme scheme) {
        return new Setting(exploration.grouping(), Scheme.FLOAT32, Map.of(group.name(), scheme));
    }

    private static Setting setting(Exploration exploration, SchemeKnapsack.Solution solution) {
        Map<String, Scheme> groups = new LinkedHashMap<>();
        for (int g = 0; g < exploration.groups().size(); g++) {
            if (!(solution.schemes().get(g) instanceof Scheme.Float32)) {
                groups.put(exploration.groups().get(g).name(), solution.schemes().get(g));
            }
        }
        return new Setting(exploration.grouping(), Scheme.FLOAT32, groups);
    }

    private static String unit(CostMetric metric) {
        return switch (metric) {
            case MEMORY_BITS -> "bits";
            case WEIGHT_BITS -> "weight bits";
            case STORAGE_BYTES -> "bytes";
        };
    }
}
