package io.qsvit.eval;

import io.qsvit.quant.ComputedQuantization;

import java.util.Map;

/**
 * What holding one computed group in fixed point did over an evaluation: values outside the format's codes
 * (saturated, or wrapped), non-zero values that became zero, and all values (every timestep, every image).
 */
public record ComputedCounts(long saturated, long zeroed, long values) {

    ComputedCounts plus(ComputedCounts other) {
        return new ComputedCounts(saturated + other.saturated, zeroed + other.zeroed, values + other.values);
    }

    /** Adds one counter output of one batch (its name says which site and which count) to its group's counts. */
    static void add(Map<String, ComputedCounts> counts, Map<String, String> groupOfSite, String output, float value) {
        long n = Math.round((double) value);
        ComputedCounts one;
        String site;
        if (output.startsWith(ComputedQuantization.SATURATED)) {
            site = output.substring(ComputedQuantization.SATURATED.length());
            one = new ComputedCounts(n, 0, 0);
        } else if (output.startsWith(ComputedQuantization.ZEROED)) {
            site = output.substring(ComputedQuantization.ZEROED.length());
            one = new ComputedCounts(0, n, 0);
        } else {
            site = output.substring(ComputedQuantization.VALUES.length());
            one = new ComputedCounts(0, 0, n);
        }
        counts.merge(groupOfSite.getOrDefault(site, site), one, ComputedCounts::plus);
    }
}
