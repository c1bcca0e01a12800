package io.qsvit.search;

import io.qsvit.quant.Scheme;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exact solver behind the heterogeneous search: a multiple-choice knapsack by dynamic programming.
 * Each group picks one option (a scheme with its cost and its predicted accuracy drop, in whole units);
 * for every total drop d up to the capacity it finds the cheapest choice whose drops add up to at most d.
 * Ties go to the option listed first, so the answer is deterministic.
 */
final class SchemeKnapsack {
    /** One choice for one group. */
    record Option(Scheme scheme, long cost, int dropUnits) {
    }

    /** A choice per group (in group order), its total cost and its total predicted drop. */
    record Solution(List<Scheme> schemes, long cost, int dropUnits) {
    }

    private final List<List<Option>> options;
    private final int capacity;
    private final int[][] choice;
    private final long[] best;

    private SchemeKnapsack(List<List<Option>> options, int capacity, int[][] choice, long[] best) {
        this.options = options;
        this.capacity = capacity;
        this.choice = choice;
        this.best = best;
    }

    static SchemeKnapsack solve(List<List<Option>> options, int capacity) {
        long[] best = new long[capacity + 1]; // no group yet: nothing spent at any drop
        int[][] choice = new int[options.size()][capacity + 1];
        for (int g = 0; g < options.size(); g++) {
            long[] next = new long[capacity + 1];
            Arrays.fill(next, Long.MAX_VALUE);
            Arrays.fill(choice[g], -1);
            List<Option> groupOptions = options.get(g);
            for (int d = 0; d <= capacity; d++) {
                for (int o = 0; o < groupOptions.size(); o++) {
                    Option option = groupOptions.get(o);
                    if (option.dropUnits() <= d && best[d - option.dropUnits()] != Long.MAX_VALUE) {
                        long cost = best[d - option.dropUnits()] + option.cost();
                        if (cost < next[d]) {
                            next[d] = cost;
                            choice[g][d] = o;
                        }
                    }
                }
            }
            best = next;
        }
        return new SchemeKnapsack(options, capacity, choice, best);
    }

    /** The cheapest choice whose predicted drop is at most {@code drop}; null when none is. */
    Solution within(int drop) {
        int d = Math.min(drop, capacity);
        if (best[d] == Long.MAX_VALUE) {
            return null;
        }
        Scheme[] schemes = new Scheme[options.size()];
        int units = 0;
        for (int g = options.size() - 1; g >= 0; g--) {
            Option option = options.get(g).get(choice[g][d]);
            schemes[g] = option.scheme();
            units += option.dropUnits();
            d -= option.dropUnits();
        }
        return new Solution(List.of(schemes), best[Math.min(drop, capacity)], units);
    }

    /** One solution per cost level reached with drops 0..capacity, most expensive (least drop) first. */
    List<Solution> frontier() {
        List<Solution> distinct = new ArrayList<>();
        for (int d = 0; d <= capacity; d++) {
            Solution s = within(d);
            if (s != null && (distinct.isEmpty() || s.cost() < distinct.get(distinct.size() - 1).cost())) {
                distinct.add(s);
            }
        }
        return distinct;
    }
}
