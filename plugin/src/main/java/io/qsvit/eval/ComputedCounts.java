package io.qsvit.eval;

import io.qsvit.model.ComputedSites;
import io.qsvit.quant.ComputedQuantization;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What holding one computed group in fixed point did over an evaluation: values outside the format's codes
 * (saturated, or wrapped), non-zero values that became zero, all values (every timestep, every image), and the
 * values a neuron keeps from one timestep to the next (its state: one per neuron and image, however many
 * timesteps; for attention products, which are not kept, the same as values).
 */
public record ComputedCounts(long saturated, long zeroed, long values, long state) {

    ComputedCounts plus(ComputedCounts other) {
        return new ComputedCounts(saturated + other.saturated, zeroed + other.zeroed, values + other.values,
                state + other.state);
    }

    /** Adds one counter output of one batch (its name says which site and which count) to that site's counts. */
    static void add(Map<String, ComputedCounts> bySite, String output, float value) {
        long n = Math.round((double) value);
        ComputedCounts one;
        String site;
        if (output.startsWith(ComputedQuantization.SATURATED)) {
            site = output.substring(ComputedQuantization.SATURATED.length());
            one = new ComputedCounts(n, 0, 0, 0);
        } else if (output.startsWith(ComputedQuantization.ZEROED)) {
            site = output.substring(ComputedQuantization.ZEROED.length());
            one = new ComputedCounts(0, n, 0, 0);
        } else {
            site = output.substring(ComputedQuantization.VALUES.length());
            one = new ComputedCounts(0, 0, n, n);
        }
        bySite.merge(site, one, ComputedCounts::plus);
    }

    /**
     * Sums the sites of each computed group (site -> group). A membrane's sites are the potential of one neuron
     * module at successive timesteps ({@link ComputedSites#module}): its state counts once, at its largest site.
     */
    static Map<String, ComputedCounts> byGroup(Map<String, ComputedCounts> bySite, Map<String, String> groupOfSite) {
        Map<String, Long> moduleState = new LinkedHashMap<>();
        Map<String, String> groupOfModule = new LinkedHashMap<>();
        Map<String, ComputedCounts> groups = new LinkedHashMap<>();
        bySite.forEach((site, c) -> {
            String group = groupOfSite.getOrDefault(site, site);
            groups.merge(group, new ComputedCounts(c.saturated, c.zeroed, c.values, 0), ComputedCounts::plus);
            String module = group.endsWith(":membrane") ? group + "/" + ComputedSites.module(site) : group + "/" + site;
            moduleState.merge(module, c.state, Math::max);
            groupOfModule.put(module, group);
        });
        moduleState.forEach((module, state) ->
                groups.merge(groupOfModule.get(module), new ComputedCounts(0, 0, 0, state), ComputedCounts::plus));
        return groups;
    }
}
