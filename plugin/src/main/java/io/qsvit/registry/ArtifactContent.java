package io.qsvit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.StepMetadata;
import io.qsvit.artifact.ToolVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a push publishes from a folder: its files, its artifact type and the annotations registries show.
 * <ul>
 * <li>a step's output folder ({@code metadata.json} naming the step): {@code application/vnd.qsvit.<step>.v1};</li>
 * <li>a {@code qsvit run} output folder (step folders inside): {@code application/vnd.qsvit.run.v1}, with only
 *     its step folders (the release a later run gates against and warm-starts from);</li>
 * <li>an ONNX file or a folder holding one: {@code application/vnd.qsvit.model.v1};</li>
 * <li>any other file or folder (evaluation images): {@code application/vnd.qsvit.files.v1}.</li>
 * </ul>
 * Annotations come from the metadata alone, never from the time or the machine, so the same content gives the
 * same manifest. {@code org.opencontainers.image.created} is written only when {@code SOURCE_DATE_EPOCH} fixes it.
 */
record ArtifactContent(String artifactType, List<ArtifactFiles.File> files, Map<String, String> annotations) {
    static final String RUN = "run";
    /** The step folders of a run, in pipeline order, that a run artifact carries. */
    static final List<String> RUN_STEPS = List.of("sensitivity", "bounds", "explore", "apply", "evaluate", "gate");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI = "org.opencontainers.image.";
    private static final String QSVIT = "io.qsvit.";

    /** Reads what {@code source} holds; {@code sourceDateEpoch} is {@code SOURCE_DATE_EPOCH} or null. */
    static ArtifactContent of(Path source, String sourceDateEpoch) {
        Path metadata = source.resolve(StepMetadata.FILE);
        Map<String, String> annotations = new TreeMap<>();
        String type;
        List<ArtifactFiles.File> files;
        if (Files.isDirectory(source) && Files.isRegularFile(metadata)) {
            JsonNode meta = read(metadata);
            String step = meta.path("step").asText("");
            if (step.isEmpty()) {
                throw new UserInputException("cannot push " + source + ": its " + StepMetadata.FILE + " names no step");
            }
            type = MediaTypes.ofStep(step);
            files = ArtifactFiles.list(source);
            describeStep(step, source, meta, annotations);
            annotations.put(OCI + "title", "qsvit " + step + " artifact");
            annotations.put(OCI + "description", "Output of the qsvit " + step + " step, one layer per file; "
                    + StepMetadata.FILE + " lists every file's digest.");
        } else if (Files.isDirectory(source) && hasStepFolders(source)) {
            type = MediaTypes.ofStep(RUN);
            files = new ArrayList<>();
            annotations.put(QSVIT + "step", RUN);
            for (String step : RUN_STEPS) {
                Path folder = source.resolve(step);
                if (Files.isRegularFile(folder.resolve(StepMetadata.FILE))) {
                    for (ArtifactFiles.File f : ArtifactFiles.list(folder)) {
                        files.add(new ArtifactFiles.File(step + "/" + f.title(), f.path()));
                    }
                    describeStep(step, folder, read(folder.resolve(StepMetadata.FILE)), annotations);
                }
            }
            annotations.put(QSVIT + "step", RUN);
            annotations.put(OCI + "title", "qsvit run");
            annotations.put(OCI + "description", "A qsvit pipeline run: the quantized model (apply/real/model.onnx), "
                    + "its evaluation and the search that chose its setting, one layer per file.");
        } else {
            files = ArtifactFiles.list(source);
            boolean model = files.stream().anyMatch(f -> f.title().endsWith(".onnx"));
            type = model ? MediaTypes.MODEL_ARTIFACT : MediaTypes.FILES_ARTIFACT;
            annotations.put(QSVIT + "tool-version", ToolVersion.get());
            annotations.put(OCI + "title", (model ? "ONNX model " : "files ") + source.getFileName());
            annotations.put(OCI + "description", model ? "A model for qsvit's steps, one layer per file."
                    : "Files for qsvit's steps (such as evaluation images), one layer per file.");
        }
        if (sourceDateEpoch != null) {
            annotations.put(OCI + "created", created(sourceDateEpoch));
        }
        return new ArtifactContent(type, List.copyOf(files), annotations);
    }

    /** A run output folder: no metadata of its own, at least the apply step's folder inside. */
    static boolean hasStepFolders(Path folder) {
        return Files.isRegularFile(folder.resolve("apply").resolve(StepMetadata.FILE));
    }

    /** The io.qsvit.* annotations one step's metadata gives. Later steps (evaluate) fill in what earlier ones lack. */
    private static void describeStep(String step, Path folder, JsonNode meta, Map<String, String> annotations) {
        annotations.put(QSVIT + "step", step);
        text(meta.path("tool_version")).ifPresent(v -> annotations.put(QSVIT + "tool-version", v));
        text(meta.path("cache_key")).ifPresent(v -> annotations.put(QSVIT + step + ".cache-key", v));
        JsonNode results = meta.path("results");
        switch (step) {
            case "apply" -> {
                text(meta.at("/inputs/model")).ifPresent(v -> annotations.put(QSVIT + "source-model-digest", "sha256:" + v));
                Path setting = folder.resolve("setting.json");
                if (Files.isRegularFile(setting)) {
                    annotations.put(QSVIT + "setting", Digests.canonicalJson(read(setting)));
                }
                number(results.at("/weights/effective_bits")).ifPresent(v -> annotations.put(QSVIT + "effective-bits", v));
                number(results.at("/weights/storage_bytes")).ifPresent(v -> annotations.put(QSVIT + "storage-bytes", v));
            }
            case "evaluate" -> {
                JsonNode model = results.path("model");
                number(model.path("accuracy")).ifPresent(v -> annotations.put(QSVIT + "accuracy", v));
                JsonNode interval = model.path("accuracy_interval95");
                if (interval.isArray() && interval.size() == 2) {
                    annotations.put(QSVIT + "accuracy-interval95", "[" + interval.get(0).asText() + "," + interval.get(1).asText() + "]");
                }
                number(model.path("images")).ifPresent(v -> annotations.put(QSVIT + "accuracy-images", v));
                number(model.at("/energy/microjoules_per_image")).ifPresent(v -> annotations.put(QSVIT + "energy-microjoules-per-image", v));
                annotations.putIfAbsent(QSVIT + "effective-bits", number(model.at("/memory/effective_bits")).orElse(null));
                annotations.putIfAbsent(QSVIT + "storage-bytes", number(model.at("/memory/storage_bytes")).orElse(null));
                annotations.values().removeIf(v -> v == null);
            }
            case "gate" -> text(results.path("verdict")).ifPresent(v -> annotations.put(QSVIT + "gate", v));
            default -> { }
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<String> number(JsonNode node) {
        return node.isNumber() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** RFC 3339 of a {@code SOURCE_DATE_EPOCH} (reproducible-builds.org), the one fixed time a manifest may carry. */
    static String created(String epoch) {
        try {
            return java.time.Instant.ofEpochSecond(Long.parseLong(epoch.strip())).toString();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new UserInputException("SOURCE_DATE_EPOCH must be whole seconds since 1970, not '" + epoch + "'");
        }
    }
}
