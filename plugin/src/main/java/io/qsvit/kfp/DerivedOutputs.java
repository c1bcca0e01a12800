package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.UserInputException;
import io.qsvit.artifact.StepMetadata;
import io.qsvit.kfp.Derivation.ConfusionMatrix;
import io.qsvit.kfp.Derivation.FileCopy;
import io.qsvit.kfp.Derivation.ScalarMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;

/**
 * Makes the outputs the Kubeflow UI shows from a step's output folder: the artifact file, and the artifact
 * metadata the launcher records in ML Metadata (scalar metrics as numbers; a confusion matrix as
 * {@code confusionMatrix: {annotationSpecs: [{displayName}], rows: [{row}]}}, the form KFP's UI validates).
 */
final class DerivedOutputs {
    private DerivedOutputs() {
    }

    /** Writes the derived artifact at {@code target} and returns its metadata. */
    static ObjectNode write(Derivation derivation, Path source, Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        if (derivation instanceof FileCopy copy) {
            Path file = source.resolve(copy.relativePath());
            if (!Files.isRegularFile(file)) {
                throw new UserInputException("step output " + source + " has no " + copy.relativePath());
            }
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            return KfpJson.object();
        }
        JsonNode metadata = readMetadata(source);
        ObjectNode values = derivation instanceof ConfusionMatrix m ? confusionMatrix(metadata, m.pointer())
                : scalars(metadata, (ScalarMetrics) derivation);
        Files.writeString(target, KfpJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(values) + "\n");
        return values;
    }

    static JsonNode readMetadata(Path folder) throws IOException {
        Path file = folder.resolve(StepMetadata.FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("step output " + folder + " has no " + StepMetadata.FILE);
        }
        return KfpJson.MAPPER.readTree(file.toFile());
    }

    private static ObjectNode scalars(JsonNode metadata, ScalarMetrics metrics) {
        ObjectNode values = KfpJson.object();
        if (metrics.pointers().isEmpty()) {
            flatten("", metadata.at(metrics.root()), values);
            return values;
        }
        for (Map.Entry<String, String> e : metrics.pointers().entrySet()) {
            JsonNode value = metadata.at(e.getValue());
            if (value.isMissingNode()) {
                continue; // measured only in some runs (a comparison needs a baseline)
            }
            if (!value.isNumber()) {
                throw new IllegalStateException(e.getValue() + " in " + StepMetadata.FILE + " is not a number: " + value);
            }
            values.set(e.getKey(), value);
        }
        return values;
    }

    private static void flatten(String prefix, JsonNode node, ObjectNode values) {
        if (node.isNumber()) {
            values.set(prefix, node);
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), values);
            }
        }
    }

    private static ObjectNode confusionMatrix(JsonNode metadata, String pointer) {
        JsonNode table = metadata.at(pointer);
        if (!table.path("labels").isArray() || !table.path("counts").isArray()) {
            throw new IllegalStateException(pointer + " in " + StepMetadata.FILE + " is not {labels, counts}");
        }
        ObjectNode matrix = KfpJson.object();
        ArrayNode specs = matrix.putArray("annotationSpecs");
        table.get("labels").forEach(label -> specs.addObject().put("displayName", label.asText()));
        ArrayNode rows = matrix.putArray("rows");
        table.get("counts").forEach(row -> rows.addObject().set("row", row));
        ObjectNode values = KfpJson.object();
        values.set("confusionMatrix", matrix);
        return values;
    }
}
