package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.util.Locale;

/** How a recording is cut into frames: equal event counts or equal time windows (SpikingJelly's split_by). */
public enum SplitBy {
    NUMBER, TIME;

    /** The mode a command-line name (any case) stands for. */
    public static SplitBy parse(String name) {
        for (SplitBy mode : values()) {
            if (mode.toString().equals(name.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new UserInputException("unknown frame split '" + name + "' (number or time)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
