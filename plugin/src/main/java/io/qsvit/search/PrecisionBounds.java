package io.qsvit.search;

import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * QSViT Algorithm 2, the base settings, from the sensitivity matrix. For each group, its bound at a threshold
 * is found by walking its precisions from most to fewest bits while the group, quantized alone, still reaches
 * the threshold: the bound is the last level reached (at a level with several schemes, such as uniform4 and
 * pow2-4, the most accurate that reaches it; ties go to the one listed first), and float32 when even the
 * highest precision misses. The walk stops at the first level that misses, so a lucky lower level past a
 * failing one is never picked. The high bound uses threshold (required - toleranceHigh), the low bound
 * (required - toleranceLow), the lower one; bSettingH puts every group at its high bound, bSettingL at its low.
 *
 * @param groups group -> its bounds, in model order
 */
public record PrecisionBounds(Map<String, Bounds> groups) {

    /** One group's high and low bound. */
    public record Bounds(Scheme high, Scheme low) {
    }

    /**
     * @param highThreshold accuracy each group alone must reach for its high bound, on the matrix's images
     * @param lowThreshold  the same for its low bound
     */
    public static PrecisionBounds of(SensitivityMatrix matrix, double highThreshold, double lowThreshold) {
        Map<String, Bounds> groups = new LinkedHashMap<>();
        for (SensitivityMatrix.GroupEntry g : matrix.groups()) {
            groups.put(g.name(), new Bounds(lowest(matrix, g.name(), highThreshold), lowest(matrix, g.name(), lowThreshold)));
        }
        return new PrecisionBounds(groups);
    }

    static Scheme lowest(SensitivityMatrix matrix, String group, double threshold) {
        Scheme lowest = Scheme.FLOAT32;
        for (List<Scheme> level : BitLevels.descending(matrix.precisions())) {
            Scheme best = null;
            for (Scheme scheme : level) {
                double accuracy = matrix.trial(group, scheme).accuracy();
                if (SensitivityMatrix.reaches(accuracy, threshold)
                        && (best == null || accuracy > matrix.trial(group, best).accuracy())) {
                    best = scheme;
                }
            }
            if (best == null) {
                break;
            }
            lowest = best;
        }
        return lowest;
    }

    /** bSettingH: every group at its high bound. */
    public Setting high(SensitivityMatrix matrix) {
        return setting(matrix, Bounds::high);
    }

    /** bSettingL: every group at its low bound. */
    public Setting low(SensitivityMatrix matrix) {
        return setting(matrix, Bounds::low);
    }

    private Setting setting(SensitivityMatrix matrix, Function<Bounds, Scheme> bound) {
        Map<String, Scheme> schemes = new LinkedHashMap<>();
        groups.forEach((group, bounds) -> schemes.put(group, bound.apply(bounds)));
        return new Setting(matrix.grouping(), Scheme.FLOAT32, schemes).withRanges(matrix.computedRanges());
    }
}
