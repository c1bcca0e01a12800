package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How one cell of a sensitivity matrix was obtained: {@code measured} on all images, {@code raced} (stopped on
 * a class-balanced prefix of {@code images} images once its interval decided it at both thresholds),
 * {@code inferred} (not evaluated: a cell of the same group with a larger weight error, {@code inferredFrom},
 * was shown safe by the margin) or {@code carried} over from a released matrix (a warm start).
 *
 * @param images      images this cell's trial was evaluated on (0 when inferred or carried)
 * @param inferredFrom the scheme whose evaluation vouches for an inferred cell; null otherwise
 * @param weightError the proxy: the group's relative weight quantization error (noise energy over weight
 *                    energy) at this scheme; null where the sweep did not compute it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"how", "images", "inferred_from", "weight_error"})
public record CellSource(String how, int images, @JsonProperty("inferred_from") String inferredFrom,
                         @JsonProperty("weight_error") Double weightError) {
    public static final String MEASURED = "measured";
    public static final String RACED = "raced";
    public static final String INFERRED = "inferred";
    public static final String CARRIED = "carried";

    static CellSource measured(int images) {
        return new CellSource(MEASURED, images, null, null);
    }
}
