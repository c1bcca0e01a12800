package io.qsvit.search;

import io.qsvit.UserInputException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What accuracy a setting must reach on the exploration data: at most {@code maxDrop} below the float
 * model's accuracy on the same images, or at least {@code targetAccuracy}. Exactly one is set.
 */
public record AccuracyRequirement(Double maxDrop, Double targetAccuracy, boolean paired) {
    /** Slack for comparing accuracies that are ratios of counts with a requirement computed in doubles. */
    private static final double EPSILON = 1e-12;

    /** Met on the observed accuracy (no paired bound). */
    public AccuracyRequirement(Double maxDrop, Double targetAccuracy) {
        this(maxDrop, targetAccuracy, false);
    }

    public AccuracyRequirement {
        if (paired && maxDrop == null) {
            throw new UserInputException("paired acceptance bounds the drop against the float model: give a maximum "
                    + "drop, not a target accuracy");
        }
        if ((maxDrop == null) == (targetAccuracy == null)) {
            throw new UserInputException("give either a maximum accuracy drop or a target accuracy, not both or neither");
        }
        if (maxDrop != null && !(maxDrop >= 0 && maxDrop <= 1)) {
            throw new UserInputException("maximum accuracy drop must be between 0 and 1, got " + maxDrop);
        }
        if (targetAccuracy != null && !(targetAccuracy >= 0 && targetAccuracy <= 1)) {
            throw new UserInputException("target accuracy must be between 0 and 1, got " + targetAccuracy);
        }
    }

    /** The same requirement, accepted on the paired drop's upper confidence bound ({@link PairedDrop}). */
    public AccuracyRequirement pairedAcceptance() {
        return new AccuracyRequirement(maxDrop, targetAccuracy, true);
    }

    /** Whether a paired drop's upper bound is within the allowed drop (paired acceptance). */
    public boolean isMet(PairedDrop drop) {
        return drop.upperBound() <= maxDrop + EPSILON;
    }

    /** The requirement bounds was given, unless the user overrides it (at most one override). */
    public static AccuracyRequirement of(Bounds.Requirement fromBounds, Double maxDrop, Double targetAccuracy) {
        if (maxDrop != null && targetAccuracy != null) {
            throw new UserInputException("--max-drop and --target-accuracy exclude each other");
        }
        if (maxDrop != null || targetAccuracy != null) {
            return new AccuracyRequirement(maxDrop, targetAccuracy);
        }
        if (fromBounds.maxDrop() != null) {
            return new AccuracyRequirement(fromBounds.maxDrop(), null);
        }
        return new AccuracyRequirement(null, fromBounds.targetAccuracy());
    }

    /** The accuracy required, given the float model's accuracy on the exploration data. */
    public double required(double floatAccuracy) {
        return maxDrop != null ? floatAccuracy - maxDrop : targetAccuracy;
    }

    public boolean isMet(double accuracy, double required) {
        return accuracy >= required - EPSILON;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(maxDrop != null ? "max_drop" : "target_accuracy", maxDrop != null ? maxDrop : targetAccuracy);
        if (paired) { // absent for plain acceptance: the key it always had
            map.put("acceptance", "paired");
            map.put("confidence", PairedDrop.CONFIDENCE);
        }
        return map;
    }
}
