package io.qsvit.api;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * An accuracy requirement, QSViT's acceptable accuracy: at most a given drop below the float model's accuracy
 * on the same images, or an absolute target; plus the two tolerances of QSViT's Algorithm 2 (a group's high
 * bound may fall {@code toleranceHigh} below the requirement, its low bound {@code toleranceLow}, the larger).
 * All figures are fractions: 0.01 is one point.
 */
public final class Requirement {
    private final Double maxDrop;
    private final Double targetAccuracy;
    private final double toleranceHigh;
    private final double toleranceLow;

    private Requirement(Double maxDrop, Double targetAccuracy, double toleranceHigh, double toleranceLow) {
        this.maxDrop = maxDrop;
        this.targetAccuracy = targetAccuracy;
        this.toleranceHigh = toleranceHigh;
        this.toleranceLow = toleranceLow;
    }

    /**
     * At most {@code drop} below the float model's accuracy, default tolerances (0 and 0.05).
     *
     * @param drop in [0, 1)
     * @return the requirement
     * @throws IllegalArgumentException for a drop outside [0, 1)
     */
    public static Requirement maxDrop(double drop) {
        Calls.require(drop >= 0 && drop < 1, "the maximum drop is a fraction of accuracy in [0, 1) (0.01 = one point), got " + drop);
        return new Requirement(drop, null, io.qsvit.search.Requirement.DEFAULT_TOLERANCE_HIGH,
                io.qsvit.search.Requirement.DEFAULT_TOLERANCE_LOW);
    }

    /**
     * At least {@code accuracy}, default tolerances (0 and 0.05).
     *
     * @param accuracy in (0, 1]
     * @return the requirement
     * @throws IllegalArgumentException for an accuracy outside (0, 1]
     */
    public static Requirement targetAccuracy(double accuracy) {
        Calls.require(accuracy > 0 && accuracy <= 1, "the target accuracy is a fraction in (0, 1], got " + accuracy);
        return new Requirement(null, accuracy, io.qsvit.search.Requirement.DEFAULT_TOLERANCE_HIGH,
                io.qsvit.search.Requirement.DEFAULT_TOLERANCE_LOW);
    }

    /**
     * The same requirement with other tolerances for the bounds.
     *
     * @param high how far below the requirement a high bound may fall, in [0, 1)
     * @param low  how far below the requirement a low bound may fall, in [0, 1) and above {@code high}
     * @return the requirement
     * @throws IllegalArgumentException for tolerances outside [0, 1) or a low one not above the high one
     */
    public Requirement withTolerances(double high, double low) {
        Calls.require(high >= 0 && high < 1 && low >= 0 && low < 1,
                "tolerances are fractions of accuracy in [0, 1), got high " + high + " and low " + low);
        Calls.require(low > high, "the low tolerance (" + low + ") must exceed the high one (" + high + "): the low bound is the looser one");
        return new Requirement(maxDrop, targetAccuracy, high, low);
    }

    io.qsvit.search.Requirement internal() {
        return new io.qsvit.search.Requirement(maxDrop, targetAccuracy, toleranceHigh, toleranceLow);
    }

    /**
     * The allowed drop.
     *
     * @return the drop, empty for a target accuracy
     */
    public OptionalDouble maxDrop() {
        return maxDrop == null ? OptionalDouble.empty() : OptionalDouble.of(maxDrop);
    }

    /**
     * The target accuracy.
     *
     * @return the target, empty for a maximum drop
     */
    public OptionalDouble targetAccuracy() {
        return targetAccuracy == null ? OptionalDouble.empty() : OptionalDouble.of(targetAccuracy);
    }

    /**
     * How far below the requirement a group's high bound may fall.
     *
     * @return the high tolerance
     */
    public double toleranceHigh() {
        return toleranceHigh;
    }

    /**
     * How far below the requirement a group's low bound may fall.
     *
     * @return the low tolerance
     */
    public double toleranceLow() {
        return toleranceLow;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Requirement(%s, tolerances %s/%s)", maxDrop != null ? "max drop " + maxDrop
                : "target " + targetAccuracy, toleranceHigh, toleranceLow);
    }
}
