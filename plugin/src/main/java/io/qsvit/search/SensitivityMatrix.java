package io.qsvit.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.qsvit.UserInputException;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code sensitivity} step's matrix ({@value #FILE}, schema {@value #SCHEMA}), as explore reads it: the
 * all-float baseline and, per group and precision, the trial with that group alone quantized (QSViT Alg. 1).
 * Fields this reader does not use are ignored, so the writer may add more.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SensitivityMatrix(String schema, Grouping grouping, List<Scheme> precisions, Trial baseline,
                                List<GroupEntry> groups, Map<String, Map<String, Trial>> cells) {
    public static final String FILE = "sensitivity.json";
    public static final String SCHEMA = "qsvit.sensitivity/v1";

    /** A group as the matrix lists it, in model order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GroupEntry(String name, String kind, long params) {
    }

    /** Reads {@value #FILE} from a sensitivity output folder. */
    public static SensitivityMatrix read(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("sensitivity folder " + folder + " has no " + FILE);
        }
        SensitivityMatrix matrix = Documents.read(file, SensitivityMatrix.class);
        if (!SCHEMA.equals(matrix.schema())) {
            throw new UserInputException(file + ": schema '" + matrix.schema() + "' is not " + SCHEMA);
        }
        if (matrix.baseline() == null || matrix.cells() == null || matrix.groups() == null) {
            throw new UserInputException(file + ": baseline, groups and cells are required");
        }
        return matrix;
    }

    /** Accuracy lost against the baseline when only {@code group} takes {@code scheme}; empty when not measured. */
    public Optional<Double> drop(String group, Scheme scheme) {
        if (scheme instanceof Scheme.Float32) {
            return Optional.of(0.0);
        }
        Trial cell = cells.getOrDefault(group, Map.of()).get(scheme.id());
        return cell == null ? Optional.empty() : Optional.of(baseline.accuracy() - cell.accuracy());
    }
}
