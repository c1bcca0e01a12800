package io.qsvit.search;

import io.qsvit.UserInputException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@code count} parts of a sweep, so a distributed engine can fan it out: shard {@code index} takes the
 * groups at positions index, index + count, index + 2 count, ... (0-based, model order).
 */
public record Shard(int index, int count) {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})/(\\d{1,6})");

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new UserInputException("shard " + index + "/" + count + " does not exist: shards of n are 0/n .. "
                    + "(n-1)/n");
        }
    }

    /** Reads {@code i/n}, e.g. {@code 0/4}. */
    public static Shard parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new UserInputException("--shard takes i/n (shard i of n, 0 <= i < n, e.g. 0/4), got '" + text + "'");
        }
        return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean includes(int groupIndex) {
        return groupIndex % count == index;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
