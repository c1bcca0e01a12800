package io.qsvit.search;

import io.qsvit.UserInputException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An accuracy requirement, QSViT's acceptable accuracy: either at most {@code maxDrop} below the float model, or
 * an absolute {@code targetAccuracy}; plus the two tolerances of Algorithm 2 (a group's high bound may fall
 * {@code toleranceHigh} below the requirement, its low bound {@code toleranceLow}, the larger). All figures
 * are fractions (0.01 is one point).
 *
 * @param maxDrop        null when a target is given
 * @param targetAccuracy null when a maximum drop is given
 */
public record Requirement(Double maxDrop, Double targetAccuracy, double toleranceHigh, double toleranceLow) {
    public static final double DEFAULT_TOLERANCE_HIGH = 0.0;
    public static final double DEFAULT_TOLERANCE_LOW = 0.05;

    public Requirement {
        if ((maxDrop == null) == (targetAccuracy == null)) {
            throw new UserInputException("give exactly one of --max-drop and --target-accuracy");
        }
        if (maxDrop != null && !(maxDrop >= 0 && maxDrop < 1)) {
            throw new UserInputException("--max-drop is a fraction of accuracy in [0, 1) (0.01 = one point), got " + maxDrop);
        }
        if (targetAccuracy != null && !(targetAccuracy > 0 && targetAccuracy <= 1)) {
            throw new UserInputException("--target-accuracy is a fraction in (0, 1], got " + targetAccuracy);
        }
        if (!(toleranceHigh >= 0 && toleranceHigh < 1) || !(toleranceLow >= 0 && toleranceLow < 1)) {
            throw new UserInputException("tolerances are fractions of accuracy in [0, 1), got --tolerance-high "
                    + toleranceHigh + " and --tolerance-low " + toleranceLow);
        }
        if (!(toleranceLow > toleranceHigh)) {
            throw new UserInputException("--tolerance-low (" + toleranceLow + ") must exceed --tolerance-high ("
                    + toleranceHigh + "): the low bound is the looser one");
        }
    }

    /**
     * The accuracy a setting must reach, given the float model's accuracy on the same images; a user error when
     * even the float model does not reach it.
     */
    public double requiredAccuracy(Trial floatModel) {
        double required = targetAccuracy != null ? targetAccuracy : floatModel.accuracy() - maxDrop;
        if (!SensitivityMatrix.reaches(floatModel.accuracy(), required)) {
            throw new UserInputException(String.format(Locale.ROOT, "target accuracy %.4f cannot be met: the float "
                    + "model itself reaches %.4f (%d of %d images)", required, floatModel.accuracy(),
                    floatModel.correct(), floatModel.images()));
        }
        return required;
    }

    /** As recorded in outputs and cache keys. */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        if (maxDrop != null) {
            p.put("max_drop", maxDrop);
        } else {
            p.put("target_accuracy", targetAccuracy);
        }
        p.put("tolerance_high", toleranceHigh);
        p.put("tolerance_low", toleranceLow);
        return p;
    }
}
