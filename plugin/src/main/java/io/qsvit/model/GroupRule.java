package io.qsvit.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.UserInputException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A user rule: layers whose whole path matches {@code match} go to group {@code group} ($1, $2 refer to the
 * match's capture groups), optionally with a fixed {@code kind}.
 */
public record GroupRule(Pattern match, String group, GroupKind kind) {
    /** Longest rule pattern read; the rules people write are a few dozen characters. */
    static final int MAX_PATTERN_CHARS = 1000;
    /**
     * Longest one match may take. A rule is a regex from a file (a setting may come from anywhere), and a regex
     * can backtrack for longer than anyone waits ("ReDoS"); a path is short, so a sane rule matches in microseconds.
     */
    static final long MATCH_NANOS = 1_000_000_000L;

    @JsonCreator
    public static GroupRule of(@JsonProperty("match") String match, @JsonProperty("group") String group,
                               @JsonProperty("kind") GroupKind kind) {
        if (match == null || group == null || group.isBlank()) {
            throw new UserInputException("a grouping rule needs 'match' (a regex) and 'group' (a name)");
        }
        if (match.length() > MAX_PATTERN_CHARS) {
            throw new UserInputException("grouping rule '" + match.substring(0, 40) + "...' is " + match.length()
                    + " characters long; rules of at most " + MAX_PATTERN_CHARS + " are read");
        }
        try {
            return new GroupRule(Pattern.compile(match), group, kind);
        } catch (PatternSyntaxException e) {
            throw new UserInputException("grouping rule '" + match + "' is not a valid regex: " + e.getDescription());
        }
    }

    /** The group name for a path, or null when the rule does not match it. */
    String groupOf(String path) {
        Matcher m = match.matcher(new Deadline(path, System.nanoTime() + MATCH_NANOS, this));
        if (!m.matches()) {
            return null;
        }
        try {
            return m.replaceFirst(group);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new UserInputException("grouping rule '" + match.pattern() + "' -> '" + group + "': " + e.getMessage());
        }
    }

    /** The path as the regex engine reads it, failing once the match has run past its deadline. */
    private static final class Deadline implements CharSequence {
        private final String text;
        private final long until;
        private final GroupRule rule;
        private int reads;

        Deadline(String text, long until, GroupRule rule) {
            this.text = text;
            this.until = until;
            this.rule = rule;
        }

        @Override
        public char charAt(int index) {
            if (++reads % 4096 == 0 && System.nanoTime() > until) { // the clock is read now and then, not per character
                throw new UserInputException("grouping rule '" + rule.match().pattern() + "' takes over "
                        + MATCH_NANOS / 1_000_000_000L + " s to match path '" + text + "'; simplify it");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.substring(start, end), until, rule);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
