package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * How a sensitivity matrix was swept, as its file records it: {@code full} (QSViT's Algorithm 1, every cell on
 * all images), {@code raced} ({@link RacedSweep}) or {@code warm} (a {@link WarmSweep}). A raced or warm matrix
 * decides its cells only at the two thresholds it was swept for, so it records them (accuracies on its own
 * images); {@code bounds} refuses such a matrix for other thresholds.
 *
 * @param stages racing prefixes (image counts), ending with all images
 * @param seed   seed of the class-balanced image order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"mode", "high_threshold", "low_threshold", "margin", "stages", "seed"})
public record SweepRecord(String mode, @JsonProperty("high_threshold") Double highThreshold,
                          @JsonProperty("low_threshold") Double lowThreshold, Double margin, List<Integer> stages,
                          Long seed) {
    public static final SweepRecord FULL = new SweepRecord(SweepMode.FULL.id(), null, null, null, null, null);

    /** Whether the cells' verdicts hold only at the recorded thresholds. */
    public boolean decidedAtThresholds() {
        return highThreshold != null;
    }
}
