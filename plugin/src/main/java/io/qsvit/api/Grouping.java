package io.qsvit.api;

import io.qsvit.UserInputException;
import io.qsvit.model.GroupRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which layers form a group, the unit a precision is assigned to: user rules first (the first whose regex
 * matches a layer's whole path names its group; {@code $1}, {@code $2} are capture groups), then the
 * {@linkplain Granularity granularity} for layers no rule matches. {@link #qsvit()} is QSViT's grouping.
 * <pre>{@code
 * Grouping grouping = Grouping.builder().optGranularity(Granularity.BLOCK)
 *         .addRule("stage(\\d)\\..*\\.attn\\..*", "attention$1", GroupKind.ATTENTION).build();
 * }</pre>
 */
public final class Grouping {
    private final io.qsvit.model.Grouping grouping;

    private Grouping(io.qsvit.model.Grouping grouping) {
        this.grouping = grouping;
    }

    static Grouping of(io.qsvit.model.Grouping grouping) {
        return new Grouping(grouping);
    }

    io.qsvit.model.Grouping internal() {
        return grouping;
    }

    /**
     * QSViT's grouping: block granularity, no rules.
     *
     * @return the grouping
     */
    public static Grouping qsvit() {
        return new Grouping(io.qsvit.model.Grouping.QSVIT);
    }

    /**
     * Grouping by granularity alone.
     *
     * @param granularity how many path segments name a group
     * @return the grouping
     */
    public static Grouping of(Granularity granularity) {
        return new Grouping(io.qsvit.model.Grouping.by(Objects.requireNonNull(granularity, "granularity").internal()));
    }

    /**
     * A builder; without rules or granularity it builds {@link #qsvit()}.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The granularity for layers no rule matches.
     *
     * @return the granularity
     */
    public Granularity granularity() {
        return Granularity.of(grouping.granularity());
    }

    /**
     * The rules, in the order they are tried.
     *
     * @return the rules
     */
    public List<Rule> rules() {
        return grouping.rules().stream()
                .map(r -> new Rule(r.match().pattern(), r.group(), r.kind() == null ? null : GroupKind.of(r.kind()))).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grouping other && granularity() == other.granularity() && rules().equals(other.rules());
    }

    @Override
    public int hashCode() {
        return Objects.hash(granularity(), rules());
    }

    @Override
    public String toString() {
        return "Grouping(" + granularity().id() + (rules().isEmpty() ? "" : ", rules " + rules()) + ")";
    }

    /**
     * One grouping rule.
     *
     * @param match a regex the whole layer path must match
     * @param group the group's name; {@code $1}, {@code $2} refer to the match's capture groups
     * @param kind  the group's kind, or null to infer it from its layers
     */
    public record Rule(String match, String group, GroupKind kind) {
    }

    /** Builds a {@link Grouping}. */
    public static final class Builder {
        private Granularity granularity = Granularity.BLOCK;
        private final List<Rule> rules = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the granularity for layers no rule matches (default {@link Granularity#BLOCK}).
         *
         * @param granularity the granularity
         * @return this builder
         */
        public Builder optGranularity(Granularity granularity) {
            this.granularity = granularity;
            return this;
        }

        /**
         * Adds a rule after those added before; the group's kind is inferred.
         *
         * @param match a regex the whole layer path must match
         * @param group the group's name ({@code $1}, ... for capture groups)
         * @return this builder
         */
        public Builder addRule(String match, String group) {
            return addRule(match, group, null);
        }

        /**
         * Adds a rule after those added before, fixing the group's kind.
         *
         * @param match a regex the whole layer path must match
         * @param group the group's name ({@code $1}, ... for capture groups)
         * @param kind  the group's kind
         * @return this builder
         */
        public Builder addRule(String match, String group, GroupKind kind) {
            rules.add(new Rule(match, group, kind));
            return this;
        }

        /**
         * Builds the grouping.
         *
         * @return the grouping
         * @throws IllegalArgumentException for a missing granularity, a rule without regex or group name, or a
         *                                  regex that does not compile
         */
        public Grouping build() {
            Calls.require(granularity != null, "a grouping needs a granularity (optGranularity must not be given null)");
            List<GroupRule> internal = new ArrayList<>();
            for (Rule rule : rules) {
                try {
                    internal.add(GroupRule.of(rule.match(), rule.group(), rule.kind() == null ? null : rule.kind().internal()));
                } catch (UserInputException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            return new Grouping(io.qsvit.model.Grouping.of(granularity.internal(), internal));
        }
    }
}
