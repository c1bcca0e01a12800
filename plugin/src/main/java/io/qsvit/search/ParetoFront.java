package io.qsvit.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The trials no other trial beats on both accuracy (higher is better) and a cost (lower is better): for
 * each trial, no other has at least its accuracy at no more cost with one of the two strictly better. Of
 * trials equal on both, the first logged is kept.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    /** The non-dominated trials, by ascending cost. */
    public static List<LoggedTrial> of(List<LoggedTrial> trials, ToDoubleFunction<Trial> cost) {
        List<LoggedTrial> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.<LoggedTrial>comparingDouble(t -> cost.applyAsDouble(t.trial()))
                .thenComparing(Comparator.<LoggedTrial>comparingDouble(t -> t.trial().accuracy()).reversed())
                .thenComparingInt(LoggedTrial::index));
        List<LoggedTrial> front = new ArrayList<>();
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        for (LoggedTrial t : sorted) {
            if (t.trial().accuracy() > bestAccuracy) {
                front.add(t);
                bestAccuracy = t.trial().accuracy();
            }
        }
        return front;
    }
}
