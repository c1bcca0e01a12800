package io.qsvit.search;

import io.qsvit.quant.Setting;

/**
 * Races one sensitivity cell (a group alone at a scheme) at the two thresholds of QSViT Algorithm 2. At each
 * racing prefix the cell's 95% interval is taken as drops against the float model on the same prefix; the race
 * stops once that interval lies on one side of every allowed drop (a drop equal to an allowed drop passes),
 * or at all images. An early stop records the prefix's drop applied to the float accuracy on all images (and
 * the interval moved by as much), and the prefix's image count; so a decided cell's accuracy falls on the same
 * side of each threshold as its interval, and bounds read from it agree with the decision.
 */
final class CellRace {
    private final Racing racing;
    private final Setting floatSetting;
    private final Trial baseline;
    private final double[] allowed;

    /**
     * @param baseline the float model on all images
     * @param allowed  the drops allowed at the high and the low bound's thresholds
     */
    CellRace(Racing racing, Setting floatSetting, Trial baseline, double[] allowed) {
        this.racing = racing;
        this.floatSetting = floatSetting;
        this.baseline = baseline;
        this.allowed = allowed.clone();
    }

    /** The drops allowed at the high and the low bound's thresholds, given the float model on all images. */
    static double[] allowedDrops(Requirement requirement, Trial baseline) {
        double required = requirement.targetAccuracy() != null ? requirement.targetAccuracy()
                : baseline.accuracy() - requirement.maxDrop();
        return new double[] {baseline.accuracy() - (required - requirement.toleranceHigh()),
                baseline.accuracy() - (required - requirement.toleranceLow())};
    }

    Trial race(Setting setting) {
        for (int stage : racing.stages()) {
            Trial cell = racing.measure(setting, stage);
            if (stage == racing.images()) {
                return cell;
            }
            double floatOnPrefix = racing.measure(floatSetting, stage).accuracy();
            double[] interval = cell.interval95();
            boolean decided = true;
            for (double a : allowed) {
                double lowestDrop = floatOnPrefix - interval[1];
                double highestDrop = floatOnPrefix - interval[0];
                decided &= lowestDrop > a || highestDrop <= a;
            }
            if (decided) {
                double accuracy = baseline.accuracy() - (floatOnPrefix - cell.accuracy());
                double shift = accuracy - cell.accuracy();
                return new Trial(cell.setting(), cell.images(), cell.correct(), accuracy,
                        new double[] {interval[0] + shift, interval[1] + shift}, cell.effectiveBits(),
                        cell.storageBytes(), cell.energyMicrojoules());
            }
        }
        throw new IllegalStateException("the last racing stage is all images");
    }
}
