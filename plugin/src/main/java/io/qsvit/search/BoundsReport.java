package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.UserInputException;
import io.qsvit.quant.Setting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The output of QSViT Algorithm 2 ({@value #FILE}, schema {@value #SCHEMA}): the requirement as applied, each
 * group's high and low bound, and bSettingH and bSettingL with their measured trials.
 *
 * @param groups group -> bounds, in model order
 */
@JsonPropertyOrder({"schema", "requirement", "groups", "high", "low"})
@JsonIgnoreProperties(value = "schema", allowGetters = true)
public record BoundsReport(Applied requirement, Map<String, PrecisionBounds.Bounds> groups, Base high, Base low) {
    public static final String SCHEMA = "qsvit.bounds/v1";
    public static final String FILE = "bounds.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The requirement with its numbers worked out. The thresholds are on the images the sensitivity matrix was
     * measured on: the required accuracy moved by the difference of the two float baselines when the bounds
     * are evaluated on other images, and lowered by each tolerance.
     *
     * @param maxDrop        null when a target was given
     * @param targetAccuracy null when a maximum drop was given
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"baseline_accuracy", "max_drop", "target_accuracy", "required_accuracy", "tolerance_high",
            "tolerance_low", "high_threshold", "low_threshold"})
    public record Applied(@JsonProperty("baseline_accuracy") double baselineAccuracy,
                          @JsonProperty("max_drop") Double maxDrop,
                          @JsonProperty("target_accuracy") Double targetAccuracy,
                          @JsonProperty("required_accuracy") double requiredAccuracy,
                          @JsonProperty("tolerance_high") double toleranceHigh,
                          @JsonProperty("tolerance_low") double toleranceLow,
                          @JsonProperty("high_threshold") double highThreshold,
                          @JsonProperty("low_threshold") double lowThreshold) {
    }

    /** A base setting and how it measured. */
    @JsonPropertyOrder({"setting", "trial", "meets_requirement"})
    public record Base(Setting setting, Trial trial, @JsonProperty("meets_requirement") boolean meetsRequirement) {
        public static Base of(Setting setting, Trial trial, double requiredAccuracy) {
            return new Base(setting, trial, SensitivityMatrix.reaches(trial.accuracy(), requiredAccuracy));
        }
    }

    @JsonProperty("schema")
    public String schema() {
        return SCHEMA;
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** Reads {@value #FILE} from a bounds output folder. */
    public static BoundsReport read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(folder + " holds no " + FILE + "; give the output folder of qsvit bounds");
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            String schema = node.path("schema").asText("");
            if (!schema.equals(SCHEMA)) {
                throw new UserInputException(file + ": schema '" + schema + "' is not " + SCHEMA);
            }
            return JSON.treeToValue(node, BoundsReport.class);
        } catch (IOException e) {
            throw new UserInputException(file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
