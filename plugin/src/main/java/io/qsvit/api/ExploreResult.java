package io.qsvit.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;

/**
 * The published exploration: the chosen setting and how it measured, against the requirement. The output
 * folder holds {@code setting.json} (the chosen setting, which {@code apply} takes), {@code trials.jsonl},
 * {@code pareto.json}, {@code pareto.svg} and {@code metadata.json}.
 */
public final class ExploreResult {
    private final Outcome outcome;
    private final Path folder;
    private final Setting chosen;
    private final JsonNode results;

    ExploreResult(Outcome outcome, Path folder, Setting chosen, JsonNode results) {
        this.outcome = outcome;
        this.folder = folder;
        this.chosen = chosen;
        this.results = results;
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
     * The output folder.
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * The chosen setting.
     *
     * @return the setting
     */
    public Setting chosen() {
        return chosen;
    }

    /**
     * The chosen setting's accuracy on all exploration images.
     *
     * @return the accuracy
     */
    public double accuracy() {
        return results.at("/chosen/accuracy").asDouble();
    }

    /**
     * The float model's accuracy on the exploration images.
     *
     * @return the float accuracy
     */
    public double floatAccuracy() {
        return results.at("/requirement/float_accuracy").asDouble();
    }

    /**
     * The accuracy the chosen setting had to reach.
     *
     * @return the required accuracy
     */
    public double requiredAccuracy() {
        return results.at("/requirement/required_accuracy").asDouble();
    }

    /**
     * Whether the chosen setting meets the requirement (false only when the search fell back to float32).
     *
     * @return whether it does
     */
    public boolean requirementMet() {
        return results.path("requirement_met").asBoolean();
    }

    /**
     * The chosen setting's mean bits per weight (SpikeHQ's figure).
     *
     * @return effective bits
     */
    public double effectiveBits() {
        return results.at("/chosen/effective_bits").asDouble();
    }

    /**
     * Bytes a real artifact stores for the chosen setting's weights.
     *
     * @return stored bytes
     */
    public long storageBytes() {
        return results.at("/chosen/storage_bytes").asLong();
    }

    /**
     * How many settings were evaluated.
     *
     * @return the number of trials
     */
    public int trials() {
        return results.path("trials").asInt();
    }
}
