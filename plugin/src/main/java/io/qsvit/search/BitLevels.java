package io.qsvit.search;

import io.qsvit.quant.Scheme;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Schemes grouped by bits, most bits first, each level in the order given (uniform4 and pow2-4 share a level). */
final class BitLevels {
    private BitLevels() {
    }

    static List<List<Scheme>> descending(List<Scheme> schemes) {
        Map<Integer, List<Scheme>> levels = new TreeMap<>(Comparator.reverseOrder());
        for (Scheme s : schemes) {
            levels.computeIfAbsent(s.bits(), b -> new ArrayList<>()).add(s);
        }
        return List.copyOf(levels.values());
    }
}
