package io.qsvit.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Seconds of one task over the counted turns of an interleaved run, in turn order. */
record Samples(List<Double> seconds) {
    Samples {
        if (seconds.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        seconds = List.copyOf(seconds);
    }

    double median() {
        return median(seconds);
    }

    /**
     * Median over turns of {@code this / other}: each turn's two runs shared the machine's state, so their
     * ratio is steadier than the ratio of two medians.
     */
    double medianRatioTo(Samples other) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < seconds.size(); i++) {
            ratios.add(seconds.get(i) / other.seconds.get(i));
        }
        return median(ratios);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
