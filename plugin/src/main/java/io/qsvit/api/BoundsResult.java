package io.qsvit.api;

import io.qsvit.search.BoundsReport;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The published bounds: the requirement as applied, each group's high and low precision bound, and bSettingH and
 * bSettingL with their measured accuracies. The output folder holds {@code bounds.json},
 * {@code setting-high.json}, {@code setting-low.json} and {@code metadata.json}.
 */
public final class BoundsResult {
    /**
     * One group's bounds.
     *
     * @param high the lowest precision at which the group alone meets the requirement less the high tolerance
     * @param low  the same for the low tolerance
     */
    public record Bounds(Scheme high, Scheme low) {
    }

    private final Outcome outcome;
    private final Path folder;
    private final BoundsReport report;

    BoundsResult(Outcome outcome, Path folder, BoundsReport report) {
        this.outcome = outcome;
        this.folder = folder;
        this.report = report;
    }

    /**
     * How the output came to be.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * The output folder ({@code setting-high.json} and {@code setting-low.json} in it are what explore reads).
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * The accuracy a setting must reach.
     *
     * @return the required accuracy
     */
    public double requiredAccuracy() {
        return report.requirement().requiredAccuracy();
    }

    /**
     * Every group's bounds, in model order.
     *
     * @return group -> bounds
     */
    public Map<String, Bounds> groups() {
        Map<String, Bounds> groups = new LinkedHashMap<>();
        report.groups().forEach((name, b) -> groups.put(name, new Bounds(Scheme.of(b.high()), Scheme.of(b.low()))));
        return groups;
    }

    /**
     * QSViT's bSettingH: every group at its high bound.
     *
     * @return the setting
     */
    public Setting high() {
        return Setting.of(report.high().setting());
    }

    /**
     * QSViT's bSettingL: every group at its low bound.
     *
     * @return the setting
     */
    public Setting low() {
        return Setting.of(report.low().setting());
    }

    /**
     * bSettingH's accuracy on the data.
     *
     * @return the accuracy
     */
    public double highAccuracy() {
        return report.high().trial().accuracy();
    }

    /**
     * bSettingL's accuracy on the data.
     *
     * @return the accuracy
     */
    public double lowAccuracy() {
        return report.low().trial().accuracy();
    }

    /**
     * Whether bSettingH meets the requirement (single-group sensitivities do not always add up).
     *
     * @return whether it does
     */
    public boolean highMeetsRequirement() {
        return report.high().meetsRequirement();
    }

    /**
     * Whether bSettingL meets the requirement.
     *
     * @return whether it does
     */
    public boolean lowMeetsRequirement() {
        return report.low().meetsRequirement();
    }
}
