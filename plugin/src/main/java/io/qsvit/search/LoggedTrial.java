package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * One line of the trial log: why a setting was evaluated ({@code role}: float, start, raise, move, probe,
 * candidate), the group concerned (moves and probes), what was decided ({@code verdict}: measured, accepted,
 * rejected, rejected-early) and the trial itself.
 */
@JsonPropertyOrder({"index", "role", "group", "verdict"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoggedTrial(int index, String role, String group, String verdict, @JsonUnwrapped Trial trial) {
    public static final String MEASURED = "measured";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String REJECTED_EARLY = "rejected-early";

    public boolean accepted() {
        return ACCEPTED.equals(verdict);
    }
}
