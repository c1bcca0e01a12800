package io.qsvit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checks documents qsvit writes against the JSON schemas (draft 2020-12) in
 * {@code src/main/resources/io/qsvit/schemas}, with a maintained validator (networknt).
 */
public final class Schemas {
    public static final String FOLDER = "io/qsvit/schemas/";
    public static final String STEP_METADATA = "step-metadata.schema.json";
    public static final String SETTING = "setting.schema.json";
    public static final String ENERGY_TABLE = "energy-table.schema.json";
    public static final String PIPELINE = "pipeline.schema.json";
    public static final String EXPLORE_TRIAL = "explore-trial.schema.json";
    public static final String PARETO = "pareto.schema.json";
    public static final String PREPARATION = "preparation.schema.json";

    /**
     * The schema of each document a step writes into its output folder, by file name: a step that writes a new
     * document adds its row here (and the schema file there), and {@link #assertValidArtifact} checks it in
     * every output folder from then on. A {@code .jsonl} file is checked line by line.
     */
    public static final Map<String, String> BY_FILE = Map.of(
            "metadata.json", STEP_METADATA,
            "setting.json", SETTING,
            "trials.jsonl", EXPLORE_TRIAL,
            "pareto.json", PARETO);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> LOADED = new ConcurrentHashMap<>();

    private Schemas() {
    }

    /** What the schema finds wrong with a document, one line each ("$.path: message"); empty when valid. */
    public static List<String> problems(JsonNode document, String schema) {
        JsonSchema loaded = LOADED.computeIfAbsent(schema, s -> FACTORY.getSchema(SchemaLocation.of("classpath:" + FOLDER + s)));
        return loaded.validate(document).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** The same for a file: JSON, YAML (by extension), or JSON lines, each line a document. */
    public static List<String> problems(Path file, String schema) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> documents = read(file);
        for (int i = 0; i < documents.size(); i++) {
            String where = documents.size() == 1 ? "" : "line " + (i + 1) + ": ";
            problems(documents.get(i), schema).forEach(p -> problems.add(where + p));
        }
        return problems;
    }

    public static void assertValid(Path file, String schema) {
        assertEquals(List.of(), problems(file, schema), file + " against " + schema);
    }

    /**
     * Checks every file in a step's output folder that {@link #BY_FILE} names against its schema.
     *
     * @return the files checked, relative to the folder, sorted
     */
    public static List<String> assertValidArtifact(Path folder) {
        List<String> checked = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String schema = BY_FILE.get(file.getFileName().toString());
                if (schema != null) {
                    assertValid(file, schema);
                    checked.add(folder.relativize(file).toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return checked;
    }

    /** Parses a document with the same rules as the tool: YAML by extension, JSON otherwise. */
    public static JsonNode parse(String text, boolean yaml) {
        try {
            return (yaml ? YAML : JSON).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> read(Path file) {
        String name = file.getFileName().toString();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (name.endsWith(".jsonl")) {
                List<JsonNode> lines = new ArrayList<>();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        lines.add(JSON.readTree(line));
                    }
                }
                return lines;
            }
            return List.of(parse(text, name.endsWith(".yaml") || name.endsWith(".yml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
