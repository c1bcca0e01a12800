package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.ConfigFiles;
import io.qsvit.UserInputException;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A precision setting: group -> scheme, with the grouping that defines the groups and a default scheme for
 * groups it does not name. QSViT's bSettingH / bSettingL and every explored candidate are settings.
 * File form (JSON or YAML):
 * <pre>{"schema": "qsvit.setting/v1", "grouping": {"granularity": "block"}, "default": "uniform8",
 *  "groups": {"stage1.downsample": "uniform4", "stage3.block1": "float32", "stage3.block1:membrane": "fixed12:q3.8"}}</pre>
 * A name {@code <group>:membrane} or {@code <group>:attention-product} sets the tensors of that kind the group
 * computes ({@link ComputedSites}); the default applies to weights only, so computed tensors stay float32 unless
 * named. {@code ranges} holds, per computed group, the largest magnitude calibration saw, which turns a
 * {@code uniform<B>} there into a fixed-point format ({@link ComputedFormat}).
 */
@JsonIgnoreProperties(value = "schema", allowGetters = true) // written for readers; always SCHEMA here
@JsonPropertyOrder({"schema", "grouping", "default", "groups", "ranges"})
public record Setting(Grouping grouping, @JsonProperty("default") Scheme fallback, Map<String, Scheme> groups,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Double> ranges) {
    public static final String SCHEMA = "qsvit.setting/v1";
    private static final ObjectMapper RECORDED = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public Setting {
        groups = Collections.unmodifiableMap(new TreeMap<>(groups)); // sorted: one setting, one serialisation
        ranges = Collections.unmodifiableMap(new TreeMap<>(ranges == null ? Map.of() : ranges));
    }

    public Setting(Grouping grouping, Scheme fallback, Map<String, Scheme> groups) {
        this(grouping, fallback, groups, Map.of());
    }

    @JsonProperty("schema")
    public String schema() {
        return SCHEMA;
    }

    public Scheme schemeOf(Group group) {
        return schemeOf(group.name());
    }

    public Scheme schemeOf(String groupName) {
        return groups.getOrDefault(groupName, ComputedSites.isComputedGroupName(groupName) ? Scheme.FLOAT32 : fallback);
    }

    /** The fixed-point format of every computed group this setting quantizes (computed group -> format). */
    public Map<String, ComputedFormat> computedFormats() {
        Map<String, ComputedFormat> formats = new LinkedHashMap<>();
        groups.forEach((name, scheme) -> {
            if (ComputedSites.isComputedGroupName(name)) {
                ComputedFormat format = ComputedFormat.of(scheme, ranges.getOrDefault(name, Double.NaN),
                        "computed group '" + name + "'");
                if (format != null) {
                    formats.put(name, format);
                }
            }
        });
        return formats;
    }

    /**
     * This setting with the ranges of the computed groups it names taken from {@code calibrated} (computed group ->
     * largest magnitude); itself when it names none.
     */
    public Setting withRanges(Map<String, Double> calibrated) {
        Map<String, Double> named = new TreeMap<>(ranges);
        groups.keySet().stream().filter(calibrated::containsKey).forEach(g -> named.put(g, calibrated.get(g)));
        return named.equals(ranges) ? this : new Setting(grouping, fallback, groups, named);
    }

    /** True when the setting puts any computed tensor in fixed point. */
    public boolean quantizesComputed() {
        return groups.entrySet().stream().anyMatch(e -> ComputedSites.isComputedGroupName(e.getKey())
                && !(e.getValue() instanceof Scheme.Float32));
    }

    /** Every group of the model at one scheme (e.g. QSViT's uniform-precision baselines). */
    public static Setting uniform(Grouping grouping, Scheme scheme) {
        return new Setting(grouping, scheme, Map.of());
    }

    /** Checks the setting against a model grouped by this setting's grouping: every named group must exist. */
    public void validate(ModelLayers model) {
        List<String> known = new java.util.ArrayList<>(model.groups().stream().map(Group::name).toList());
        if (groups.keySet().stream().anyMatch(ComputedSites::isComputedGroupName) || !ranges.isEmpty()) {
            known.addAll(ComputedSites.of(model).groups().keySet());
        }
        for (String name : ranges.keySet()) {
            if (!known.contains(name)) {
                throw new UserInputException("setting gives a range for '" + name + "', which is not a computed group "
                        + "of the model");
            }
            double range = ranges.get(name);
            if (!(range >= 0) || Double.isInfinite(range)) {
                throw new UserInputException("setting gives computed group '" + name + "' the range " + range
                        + "; a largest magnitude is a finite number >= 0");
            }
        }
        computedFormats(); // every computed scheme is one a computed tensor can take
        for (String name : groups.keySet()) {
            if (!known.contains(name)) {
                throw new UserInputException("setting names group '" + name + "', which the model does not have "
                        + "(its groups: " + String.join(", ", known) + ")");
            }
        }
    }

    /** Memory of the model's weights under this setting (every group's layers at its scheme). */
    public MemoryAccount memory(ModelLayers model) {
        MemoryAccount account = MemoryAccount.EMPTY;
        for (Group group : model.groups()) {
            for (Layer layer : group.layers()) {
                account = account.plus(TensorCost.of(schemeOf(group), layer.dims(), layer.channelAxis()));
            }
        }
        return account;
    }

    public void write(Path file) {
        ConfigFiles.write(file, this);
    }

    public static Setting read(Path file) {
        return of(ConfigFiles.read(file, SettingFile.class), file.toString());
    }

    /** A setting from JSON text (a results document holds one); {@code where} names the text in errors. */
    public static Setting parse(String json, String where) {
        try {
            return of(RECORDED.readValue(json, SettingFile.class), where);
        } catch (JsonProcessingException e) {
            throw new UserInputException(where + " is not a setting: " + e.getOriginalMessage());
        }
    }

    /** The setting {@code apply} recorded in a model's metadata, if the model is one of its artifacts. */
    public static Optional<Setting> recordedIn(OnnxModel model) {
        for (StringStringEntryProto entry : model.proto().getMetadataPropsList()) {
            if (entry.getKey().equals(QuantizedArtifacts.SETTING_KEY)) {
                String where = model.file() + " metadata " + QuantizedArtifacts.SETTING_KEY;
                try {
                    return Optional.of(of(RECORDED.readValue(entry.getValue(), SettingFile.class), where));
                } catch (JsonProcessingException e) {
                    throw new UserInputException(where + " is not a setting: " + e.getOriginalMessage());
                }
            }
        }
        return Optional.empty();
    }

    private static Setting of(SettingFile raw, String where) {
        if (raw == null) { // an empty document, or one that is only a null
            throw new UserInputException(where + " holds no setting (an empty document)");
        }
        if (raw.schema != null && !raw.schema.equals(SCHEMA)) {
            throw new UserInputException(where + ": setting schema '" + raw.schema + "' is not " + SCHEMA);
        }
        Map<String, Scheme> groups = new LinkedHashMap<>();
        if (raw.groups != null) {
            raw.groups.forEach((group, text) -> groups.put(group, parse(where, "group '" + group + "'", text)));
        }
        Scheme fallback = raw.fallback == null ? Scheme.FLOAT32 : parse(where, "default", raw.fallback);
        return new Setting(raw.grouping != null ? raw.grouping : Grouping.QSVIT, fallback, groups, raw.ranges);
    }

    private static Scheme parse(String file, String where, String text) {
        try {
            return Scheme.parse(text);
        } catch (UserInputException e) {
            throw new UserInputException(file + ": " + where + ": " + e.getMessage());
        }
    }

    /** The file as written; schemes stay text until parsed with the group name at hand for errors. */
    static final class SettingFile {
        public String schema;
        public Grouping grouping;
        @JsonProperty("default")
        public String fallback;
        public Map<String, String> groups;
        public Map<String, Double> ranges;
    }
}
