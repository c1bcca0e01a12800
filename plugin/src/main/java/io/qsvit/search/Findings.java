package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.model.GroupKind;
import io.qsvit.quant.Scheme;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QSViT's qualitative findings, checked on the measured matrix rather than assumed: for each group kind, the
 * lowest precision at which every group of that kind, quantized alone, stays within {@link #MAX_DROP} of the
 * float accuracy (going down bit level by bit level, stopping at the first level that fails), and which kinds
 * therefore tolerate 4 bits. When the sweep has no scheme of 4 bits or fewer, neither list says anything. A
 * shard's findings cover its own groups only.
 *
 * @param worstDrop per kind: the largest single-group drop at its lowest precision
 */
public record Findings(@JsonProperty("max_drop") double maxDrop, Map<String, KindFinding> kinds,
                       @JsonProperty("tolerate_4_bits") List<String> tolerate4Bits,
                       @JsonProperty("need_more_than_4_bits") List<String> needMoreThan4Bits) {
    /** One point of accuracy. */
    public static final double MAX_DROP = 0.01;

    public record KindFinding(List<String> groups, @JsonProperty("lowest_precision") Scheme lowestPrecision,
                              @JsonProperty("worst_drop") double worstDrop) {
    }

    static Findings of(SensitivityMatrix matrix) {
        Map<GroupKind, List<String>> byKind = new LinkedHashMap<>();
        for (SensitivityMatrix.GroupEntry g : matrix.groups()) {
            if (matrix.cells().containsKey(g.name())) {
                byKind.computeIfAbsent(g.kind(), k -> new ArrayList<>()).add(g.name());
            }
        }
        boolean fourBitsTried = matrix.precisions().stream().anyMatch(s -> s.bits() <= 4);
        Map<String, KindFinding> kinds = new LinkedHashMap<>();
        List<String> tolerate = new ArrayList<>();
        List<String> needMore = new ArrayList<>();
        byKind.forEach((kind, groups) -> {
            KindFinding finding = lowestWithinMaxDrop(matrix, groups);
            kinds.put(kind.id(), finding);
            if (fourBitsTried) {
                (finding.lowestPrecision().bits() <= 4 ? tolerate : needMore).add(kind.id());
            }
        });
        return new Findings(MAX_DROP, kinds, tolerate, needMore);
    }

    private static KindFinding lowestWithinMaxDrop(SensitivityMatrix matrix, List<String> groups) {
        Scheme lowest = Scheme.FLOAT32;
        double lowestWorst = 0;
        for (List<Scheme> level : BitLevels.descending(matrix.precisions())) {
            Scheme best = null;
            double bestWorst = Double.POSITIVE_INFINITY;
            for (Scheme scheme : level) {
                double worst = Double.NEGATIVE_INFINITY;
                for (String group : groups) {
                    worst = Math.max(worst, matrix.drop(group, scheme));
                }
                if (worst < bestWorst) {
                    best = scheme;
                    bestWorst = worst;
                }
            }
            if (!SensitivityMatrix.within(bestWorst, MAX_DROP)) {
                break;
            }
            lowest = best;
            lowestWorst = bestWorst;
        }
        return new KindFinding(List.copyOf(groups), lowest, lowestWorst);
    }
}
