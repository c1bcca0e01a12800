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

    @JsonCreator
    public static GroupRule of(@JsonProperty("match") String match, @JsonProperty("group") String group,
                               @JsonProperty("kind") GroupKind kind) {
        if (match == null || group == null || group.isBlank()) {
            throw new UserInputException("a grouping rule needs 'match' (a regex) and 'group' (a name)");
        }
        try {
            return new GroupRule(Pattern.compile(match), group, kind);
        } catch (PatternSyntaxException e) {
            throw new UserInputException("grouping rule '" + match + "' is not a valid regex: " + e.getDescription());
        }
    }

    /** The group name for a path, or null when the rule does not match it. */
    String groupOf(String path) {
        Matcher m = match.matcher(path);
        if (!m.matches()) {
            return null;
        }
        try {
            return m.replaceFirst(group);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new UserInputException("grouping rule '" + match.pattern() + "' -> '" + group + "': " + e.getMessage());
        }
    }
}
