package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schemes the heterogeneous search may give a group (SpikeHQ's space: uniform or power-of-two levels at
 * each bit width), grouped in families whose accuracy is assumed to grow with bits (same kind of levels,
 * same symmetry, same scale granularity). float32 is always a further option.
 */
public record SearchSpace(List<Scheme> schemes) {
    /** Per-channel uniform 2..8 and 16 bits, per-channel pow2 2..8 bits. */
    public static final SearchSpace SPIKEHQ = parse("uniform2,uniform3,uniform4,uniform5,uniform6,uniform7,uniform8,"
            + "uniform16,pow2-2,pow2-3,pow2-4,pow2-5,pow2-6,pow2-7,pow2-8");

    public SearchSpace {
        schemes = List.copyOf(schemes);
        if (schemes.isEmpty()) {
            throw new UserInputException("the search space needs at least one scheme");
        }
    }

    /** Comma-separated scheme ids, e.g. {@code uniform4,uniform8,pow2-4}. */
    public static SearchSpace parse(String text) {
        List<Scheme> schemes = new ArrayList<>();
        for (String id : text.split(",")) {
            Scheme s = Scheme.parse(id.trim());
            if (!(s instanceof Scheme.Float32) && !schemes.contains(s)) {
                schemes.add(s);
            }
        }
        return new SearchSpace(schemes);
    }

    /** The families, each with its schemes by ascending bits. */
    public Map<String, List<Scheme>> families() {
        Map<String, List<Scheme>> families = new LinkedHashMap<>();
        schemes.stream().sorted(java.util.Comparator.comparingInt(Scheme::bits))
                .forEach(s -> families.computeIfAbsent(family(s), k -> new ArrayList<>()).add(s));
        return families;
    }

    static String family(Scheme scheme) {
        if (scheme instanceof Scheme.Uniform u) {
            return "uniform" + (u.symmetric() ? "" : "-asym") + (u.perChannel() ? "" : "-tensor");
        }
        return scheme instanceof Scheme.Pow2 p ? "pow2" + (p.perChannel() ? "" : "-tensor") : "float32";
    }

    public List<String> ids() {
        return schemes.stream().map(Scheme::id).toList();
    }
}
