package io.qsvit.search;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How {@code sensitivity} and {@code bounds} spend evaluations: {@code full}, QSViT's sweep (every cell, and
 * bSettingH/bSettingL, on all images), or {@code raced} (cells ordered by a weight-error proxy, raced on
 * class-balanced prefixes and stopped once decided at the requirement's thresholds, cells the proxy shows
 * safe inferred; see {@link RacedSweep}).
 */
public enum SweepMode {
    FULL, RACED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code text}; a one-line user error for anything else. */
    public static SweepMode parse(String text) {
        for (SweepMode mode : values()) {
            if (mode.id().equals(text)) {
                return mode;
            }
        }
        throw new UserInputException("--sweep must be " + String.join(" or ", Arrays.stream(values()).map(SweepMode::id).toList())
                + ", got '" + text + "'");
    }
}
