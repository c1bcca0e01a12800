package io.qsvit.api;

import io.qsvit.artifact.Digests;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A precision setting: group -> scheme, with the grouping that defines the groups and a default scheme for the
 * groups it does not name. QSViT's bSettingH and bSettingL, every explored candidate and what {@code apply}
 * applies are settings. Files (JSON or YAML, schema {@code qsvit.setting/v1}) read and write with
 * {@link #read} and {@link #write}:
 * <pre>{@code
 * Setting setting = Setting.builder().optDefault(Scheme.uniform(8))
 *         .optGroup("stage1.downsample", Scheme.uniform(4)).optGroup("stage3.block1", Scheme.float32()).build();
 * }</pre>
 */
public final class Setting {
    private final io.qsvit.quant.Setting setting;

    private Setting(io.qsvit.quant.Setting setting) {
        this.setting = setting;
    }

    static Setting of(io.qsvit.quant.Setting setting) {
        return new Setting(setting);
    }

    io.qsvit.quant.Setting internal() {
        return setting;
    }

    /**
     * A builder: QSViT's grouping and float32 unless told otherwise.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Every group at one scheme, QSViT's grouping (e.g. QSViT's uniform-precision baselines).
     *
     * @param scheme the scheme of every group
     * @return the setting
     */
    public static Setting uniform(Scheme scheme) {
        return builder().optDefault(scheme).build();
    }

    /**
     * Reads a setting file.
     *
     * @param file JSON or YAML, schema {@code qsvit.setting/v1}
     * @return the setting
     * @throws QsvitException when the file is missing, malformed or names an unknown scheme
     */
    public static Setting read(Path file) {
        return Calls.call(() -> new Setting(io.qsvit.quant.Setting.read(file)));
    }

    /**
     * Writes the setting (JSON, or YAML for a {@code .yaml}/{@code .yml} name).
     *
     * @param file the file, replaced if it exists
     * @throws QsvitException when it cannot be written
     */
    public void write(Path file) {
        Calls.run(() -> setting.write(file));
    }

    /**
     * The setting as canonical JSON (one key order, groups sorted, no whitespace): the text whose SHA-256 the
     * steps record as the setting's digest.
     *
     * @return the JSON text
     */
    public String toJson() {
        return Digests.canonicalJson(setting);
    }

    /**
     * The grouping that defines the groups.
     *
     * @return the grouping
     */
    public Grouping grouping() {
        return Grouping.of(setting.grouping());
    }

    /**
     * The scheme of every group the setting does not name.
     *
     * @return the default scheme
     */
    public Scheme defaultScheme() {
        return Scheme.of(setting.fallback());
    }

    /**
     * The groups the setting names, sorted by name.
     *
     * @return group -> scheme
     */
    public Map<String, Scheme> groups() {
        Map<String, Scheme> groups = new TreeMap<>();
        setting.groups().forEach((group, scheme) -> groups.put(group, Scheme.of(scheme)));
        return Collections.unmodifiableMap(groups);
    }

    /**
     * The scheme a group gets.
     *
     * @param group a group name
     * @return its scheme, or the default for a group the setting does not name
     */
    public Scheme schemeOf(String group) {
        return Scheme.of(setting.schemeOf(group));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Setting other && toJson().equals(other.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Builds a {@link Setting}. */
    public static final class Builder {
        private Grouping grouping = Grouping.qsvit();
        private Scheme fallback = Scheme.float32();
        private final Map<String, Scheme> groups = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the grouping (default {@link Grouping#qsvit()}).
         *
         * @param grouping the grouping
         * @return this builder
         */
        public Builder optGrouping(Grouping grouping) {
            this.grouping = grouping;
            return this;
        }

        /**
         * Sets the scheme of the groups not named (default float32).
         *
         * @param scheme the scheme
         * @return this builder
         */
        public Builder optDefault(Scheme scheme) {
            this.fallback = scheme;
            return this;
        }

        /**
         * Gives one group its scheme (a second call for the same group replaces the first).
         *
         * @param group  the group's name, as the grouping names it
         * @param scheme its scheme
         * @return this builder
         */
        public Builder optGroup(String group, Scheme scheme) {
            groups.put(group, scheme);
            return this;
        }

        /**
         * Builds the setting. Whether the groups exist is checked against a model when the setting is applied.
         *
         * @return the setting
         * @throws IllegalArgumentException for a missing grouping or default, or a group without name or scheme
         */
        public Setting build() {
            Calls.require(grouping != null, "a setting needs a grouping (optGrouping must not be given null)");
            Calls.require(fallback != null, "a setting needs a default scheme (optDefault must not be given null)");
            Map<String, io.qsvit.quant.Scheme> internal = new LinkedHashMap<>();
            groups.forEach((group, scheme) -> {
                Calls.require(group != null && !group.isBlank(), "a group of the setting has no name");
                Calls.require(scheme != null, "group '" + group + "' of the setting has no scheme");
                internal.put(group, scheme.internal());
            });
            return new Setting(new io.qsvit.quant.Setting(Objects.requireNonNull(grouping).internal(), fallback.internal(), internal));
        }
    }
}
