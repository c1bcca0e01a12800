package io.qsvit.cli;

import io.qsvit.search.Requirement;
import picocli.CommandLine.Option;

/**
 * The accuracy requirement and QSViT's two tolerances (a picocli mixin): {@code bounds} decides with them, a
 * raced {@code sensitivity} sweep places its thresholds with them. One set of options, so a Kubeflow pipeline
 * feeds both steps from one parameter each.
 */
final class RequirementOptions {
    @Option(names = "--max-drop", description = "Requirement: at most this much below the float model (0.01 = one point).")
    Double maxDrop;

    @Option(names = "--target-accuracy", description = "Requirement: at least this top-1 accuracy (e.g. 0.88).")
    Double targetAccuracy;

    @Option(names = "--tolerance-high", defaultValue = "" + Requirement.DEFAULT_TOLERANCE_HIGH,
            description = "How far below the requirement a group alone may fall at its high bound (default: ${DEFAULT-VALUE}).")
    double toleranceHigh;

    @Option(names = "--tolerance-low", defaultValue = "" + Requirement.DEFAULT_TOLERANCE_LOW,
            description = "The same for the low bound; larger than --tolerance-high (default: ${DEFAULT-VALUE}).")
    double toleranceLow;

    /** Whether a maximum drop or a target was given. */
    boolean given() {
        return maxDrop != null || targetAccuracy != null;
    }

    /** The requirement; a one-line user error unless exactly one of the two is given and the tolerances fit. */
    Requirement requirement() {
        return new Requirement(maxDrop, targetAccuracy, toleranceHigh, toleranceLow);
    }
}
