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
import io.qsvit.model.GroupKind;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * QSViT's sensitivity matrix (the output of Algorithm 1): the float baseline and, for every group and every
 * swept precision, the trial of the setting that quantizes that group alone. File {@value #FILE}, schema
 * {@value #SCHEMA}; a shard's file names its shard and holds only its groups' cells.
 *
 * @param cells   group -> scheme id -> trial, groups in model order, schemes in {@code precisions} order
 * @param sweep   how the cells were obtained ({@link SweepRecord}); null in matrices written before it existed
 * @param sources group -> scheme id -> how that cell was obtained; null in matrices written before it existed
 *                (every cell then measured on all images)
 */
@JsonPropertyOrder({"schema", "shard", "grouping", "precisions", "sweep", "baseline", "groups", "cells", "sources", "findings"})
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(value = "schema", allowGetters = true)
public record SensitivityMatrix(Shard shard, Grouping grouping, List<Scheme> precisions, Trial baseline,
                                List<GroupEntry> groups, Map<String, Map<String, Trial>> cells, SweepRecord sweep,
                                Map<String, Map<String, CellSource>> sources, Findings findings) {
    public static final String SCHEMA = "qsvit.sensitivity/v1";
    public static final String FILE = "sensitivity.json";
    /** Accuracies closer than this count as equal: they are ratios of counts, compared after subtractions. */
    private static final double EPSILON = 1e-9;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // later versions may add fields

    /** A group as the sweep saw it. */
    public record GroupEntry(String name, GroupKind kind, long params) {
    }

    public SensitivityMatrix {
        precisions = List.copyOf(precisions);
        groups = List.copyOf(groups);
        Map<String, Map<String, Trial>> copy = new LinkedHashMap<>();
        cells.forEach((group, row) -> copy.put(group, Collections.unmodifiableMap(new LinkedHashMap<>(row))));
        cells = Collections.unmodifiableMap(copy);
        if (sources != null) {
            Map<String, Map<String, CellSource>> sourceCopy = new LinkedHashMap<>();
            sources.forEach((group, row) -> sourceCopy.put(group, Collections.unmodifiableMap(new LinkedHashMap<>(row))));
            sources = Collections.unmodifiableMap(sourceCopy);
        }
    }

    /** The matrix of a full sweep (every cell measured on all images), with its findings worked out. */
    public static SensitivityMatrix of(Shard shard, Grouping grouping, List<Scheme> precisions, Trial baseline,
                                       List<GroupEntry> groups, Map<String, Map<String, Trial>> cells) {
        Map<String, Map<String, CellSource>> sources = new LinkedHashMap<>();
        cells.forEach((group, row) -> {
            Map<String, CellSource> sourceRow = new LinkedHashMap<>();
            row.forEach((scheme, trial) -> sourceRow.put(scheme, CellSource.measured(trial.images())));
            sources.put(group, sourceRow);
        });
        return of(shard, grouping, precisions, baseline, groups, cells, SweepRecord.FULL, sources);
    }

    /** The matrix with its findings worked out. */
    public static SensitivityMatrix of(Shard shard, Grouping grouping, List<Scheme> precisions, Trial baseline,
                                       List<GroupEntry> groups, Map<String, Map<String, Trial>> cells,
                                       SweepRecord sweep, Map<String, Map<String, CellSource>> sources) {
        SensitivityMatrix matrix = new SensitivityMatrix(shard, grouping, precisions, baseline, groups, cells, sweep,
                sources, null);
        return new SensitivityMatrix(shard, grouping, precisions, baseline, groups, cells, sweep, sources,
                Findings.of(matrix));
    }

    /** The calibrated ranges of the computed groups the matrix swept (computed group -> largest magnitude). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Map<String, Double> computedRanges() {
        Map<String, Double> ranges = new java.util.TreeMap<>();
        cells.values().forEach(row -> row.values().forEach(t -> ranges.putAll(t.setting().ranges())));
        return ranges;
    }

    /** How the cell of one group at one scheme was obtained; measured on all images for older matrices. */
    public CellSource source(String group, Scheme scheme) {
        CellSource source = sources == null ? null : sources.getOrDefault(group, Map.of()).get(scheme.id());
        return source != null ? source : CellSource.measured(trial(group, scheme).images());
    }

    @JsonProperty("schema")
    public String schema() {
        return SCHEMA;
    }

    /** The trial of one group alone at one scheme; a user error when the matrix has no such cell. */
    public Trial trial(String group, Scheme scheme) {
        Map<String, Trial> row = cells.get(group);
        Trial trial = row == null ? null : row.get(scheme.id());
        if (trial == null) {
            throw new UserInputException("the sensitivity matrix has no cell for group '" + group + "' at " + scheme.id());
        }
        return trial;
    }

    /** Accuracy lost against the float baseline when the group alone takes the scheme (negative: gained). */
    public double drop(String group, Scheme scheme) {
        return baseline.accuracy() - trial(group, scheme).accuracy();
    }

    /** The drop where the matrix measured it (float32 loses nothing); empty for a scheme it did not sweep. */
    public Optional<Double> measuredDrop(String group, Scheme scheme) {
        if (scheme instanceof Scheme.Float32) {
            return Optional.of(0.0);
        }
        Trial cell = cells.getOrDefault(group, Map.of()).get(scheme.id());
        return cell == null ? Optional.empty() : Optional.of(baseline.accuracy() - cell.accuracy());
    }

    /** {@code drop <= limit}, up to rounding. */
    static boolean within(double drop, double limit) {
        return drop <= limit + EPSILON;
    }

    /** {@code accuracy >= threshold}, up to rounding. */
    static boolean reaches(double accuracy, double threshold) {
        return accuracy >= threshold - EPSILON;
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    }

    /** Reads {@value #FILE} from a sensitivity output folder. */
    public static SensitivityMatrix read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException("sensitivity folder not found: " + folder);
        }
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(folder + " holds no " + FILE + "; give the output folder of qsvit sensitivity");
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            String schema = node.path("schema").asText("");
            if (!schema.equals(SCHEMA)) {
                throw new UserInputException(file + ": schema '" + schema + "' is not " + SCHEMA);
            }
            return JSON.treeToValue(node, SensitivityMatrix.class);
        } catch (IOException e) {
            throw new UserInputException(file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
