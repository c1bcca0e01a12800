package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Group;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SpikeHQ's heterogeneous search space (per group: uniform or power-of-two levels, any bit width) searched
 * exactly on a proxy, then verified for real.
 *
 * <ol>
 * <li>Proxy: each group's accuracy drop under each scheme with every other group float, taken from the
 * sensitivity matrix where it has the cell, else measured on the first {@code probeImages} exploration
 * images against the float model on the same images. Within a family (see {@link SearchSpace}) schemes are
 * probed from the cheapest up, skipping those that cost no less than a wider one, and probing stops at the
 * first scheme that loses nothing: wider ones are assumed to lose nothing either and cost more.</li>
 * <li>Solve: a multiple-choice knapsack ({@link SchemeKnapsack}) gives, for each total predicted drop (the
 * sum of the groups' drops, negative drops counted as 0), the cheapest setting.</li>
 * <li>Verify: without a budget, the cheapest setting that really meets the requirement is found by a binary
 * search over those solutions (cost falls as predicted drop grows), starting at the one predicted to lose
 * exactly the allowed drop; each is raced. Solutions of the knapsack are tried up to three times the allowed
 * drop. With a budget, the solutions within it are raced from the least predicted drop on (at most three):
 * the first that meets the requirement is chosen.</li>
 * </ol>
 * No randomness is involved: the same inputs give the same trials.
 */
public final class HeterogeneousSearch implements Exploration.Strategy {
    /** Drops are counted in units of 0.0001 accuracy. */
    static final double UNIT = 1e-4;
    static final int BUDGET_TRIES = 3;

    private final SearchSpace space;
    private final Budget budget;
    private final SensitivityMatrix sensitivity;
    private final int probeImages;

    /**
     * @param budget      null to find the cheapest setting (in stored bytes) that meets the requirement
     * @param sensitivity null for none: every drop is probed
     */
    public HeterogeneousSearch(SearchSpace space, Budget budget, SensitivityMatrix sensitivity, int probeImages) {
        this.space = space;
        this.budget = budget;
        this.sensitivity = sensitivity;
        this.probeImages = probeImages;
    }

    @Override
    public LoggedTrial choose(Exploration exploration) {
        CostMetric metric = budget != null ? budget.metric() : CostMetric.STORAGE_BYTES;
        List<List<SchemeKnapsack.Option>> options = options(exploration, metric);
        double allowed = Math.max(0, exploration.floatTrial().trial().accuracy() - exploration.required());
        int allowedUnits = (int) Math.round(allowed / UNIT);
        SchemeKnapsack knapsack = SchemeKnapsack.solve(options, 3 * allowedUnits);
        List<SchemeKnapsack.Solution> frontier = knapsack.frontier();
        return budget == null ? cheapestMeeting(exploration, frontier, knapsack.within(allowedUnits))
                : mostAccurateWithin(exploration, frontier, options);
    }

    private LoggedTrial cheapestMeeting(Exploration exploration, List<SchemeKnapsack.Solution> frontier,
                                        SchemeKnapsack.Solution natural) {
        LoggedTrial chosen = exploration.floatTrial(); // meets the requirement: checked before any strategy runs
        int feasible = -1;
        int infeasible = frontier.size();
        int next = -1;
        for (int i = 0; i < frontier.size() && next < 0; i++) {
            next = natural != null && frontier.get(i).cost() == natural.cost() ? i : -1;
        }
        while (feasible + 1 < infeasible) {
            int index = next > feasible && next < infeasible ? next : (feasible + infeasible) >>> 1;
            LoggedTrial trial = exploration.candidate("candidate", null, setting(exploration, frontier.get(index)));
            if (trial.accepted()) {
                feasible = index;
                chosen = trial;
            } else {
                infeasible = index;
            }
            next = -1;
        }
        return chosen;
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
                    + "to meet the requirement (the cheapest setting in the search space costs %d %s); "
                    + "closest setting found: %s at %.4f", budget, cheapest, unit(budget.metric()),
                    exploration.describe(exploration.floatTrial().trial().setting()),
                    exploration.floatTrial().trial().accuracy()));
        }
        throw new UserInputException(String.format(Locale.ROOT, "no setting within the budget of %s meets the "
                + "requirement of %.4f: the best of %d tried reaches %.4f on %d images; closest setting found: %s",
                budget, exploration.required(), tries, closest.trial().accuracy(), closest.trial().images(),
                exploration.describe(closest.trial().setting())));
    }

    /** Per group, float32 and every probed scheme with its cost and predicted drop. */
    private List<List<SchemeKnapsack.Option>> options(Exploration exploration, CostMetric metric) {
        Setting allFloat = Setting.uniform(exploration.grouping(), Scheme.FLOAT32);
        int probe = Math.min(probeImages, exploration.images());
        double floatOnProbe = exploration.measure("float", null, allFloat, probe).trial().accuracy();
        List<List<SchemeKnapsack.Option>> options = new ArrayList<>();
        for (Group group : exploration.groups()) {
            List<SchemeKnapsack.Option> groupOptions = new ArrayList<>();
            groupOptions.add(new SchemeKnapsack.Option(Scheme.FLOAT32, metric.of(group, Scheme.FLOAT32), 0));
            for (List<Scheme> family : space.families().values()) {
                for (Scheme scheme : undominated(family, group, metric)) {
                    double drop = sensitivity != null && sensitivity.drop(group.name(), scheme).isPresent()
                            ? sensitivity.drop(group.name(), scheme).get()
                            : floatOnProbe - exploration.measure("probe", group.name(), alone(exploration, group, scheme), probe)
                            .trial().accuracy();
                    int units = (int) Math.max(0, Math.round(drop / UNIT));
                    groupOptions.add(new SchemeKnapsack.Option(scheme, metric.of(group, scheme), units));
                    if (units == 0) {
                        break;
                    }
                }
            }
            options.add(groupOptions);
        }
        return options;
    }

    /** A family's schemes by ascending cost, dropping any that costs no less than a wider one. */
    private static List<Scheme> undominated(List<Scheme> family, Group group, CostMetric metric) {
        List<Scheme> kept = new ArrayList<>();
        for (int i = 0; i < family.size(); i++) {
            boolean dominated = false;
            for (int j = i + 1; j < family.size(); j++) {
                dominated |= metric.of(group, family.get(j)) <= metric.of(group, family.get(i));
            }
            if (!dominated) {
                kept.add(family.get(i));
            }
        }
        return kept;
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
        return metric == CostMetric.STORAGE_BYTES ? "bytes" : "weight bits";
    }
}
