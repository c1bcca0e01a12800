package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Runs a compiled pipeline on this machine, as a test harness and for users without a cluster: tasks in
 * dependency order (loop iterations one after another), each container's exact command line as a
 * subprocess with its placeholders resolved to folders under the work folder, importers reading local paths.
 * Outputs and their metadata go to {@code run.json} in the work folder. Not a distributed engine: no retries,
 * no caching beyond what the steps themselves do with their cache keys.
 */
public final class LocalRunner {
    public static final String RUN_FILE = "run.json";

    private final JsonNode spec;
    private final Path work;
    private final CommandMapping commands;
    private final PrintWriter log;
    private final ObjectNode record = KfpJson.object();

    /** Outputs of a task (or of a DAG, or of all iterations of a loop). */
    record Outputs(Map<String, List<RuntimeArtifact>> artifacts, Map<String, JsonNode> parameters) {
        static Outputs empty() {
            return new Outputs(new TreeMap<>(), new TreeMap<>());
        }
    }

    public LocalRunner(JsonNode spec, Path work, CommandMapping commands, PrintWriter log) {
        this.spec = spec;
        this.work = work.toAbsolutePath().normalize();
        this.commands = commands;
        this.log = log;
    }

    /** Runs the pipeline with these parameter texts; returns the run record (also written to run.json). */
    public ObjectNode run(Map<String, String> parameterTexts) throws IOException {
        new SpecValidator(spec).validateOrThrow();
        Map<String, JsonNode> parameters = pipelineParameters(parameterTexts);
        Files.createDirectories(work);
        record.putObject("tasks");
        runDag("", spec.get("root"), parameters, Map.of());
        Files.writeString(work.resolve(RUN_FILE), KfpJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(record) + "\n");
        return record;
    }

    private Map<String, JsonNode> pipelineParameters(Map<String, String> texts) {
        JsonNode definitions = spec.path("root").path("inputDefinitions").path("parameters");
        for (String name : texts.keySet()) {
            if (!definitions.has(name)) {
                List<String> known = new ArrayList<>();
                definitions.fieldNames().forEachRemaining(known::add);
                throw new UserInputException("the pipeline has no parameter '" + name + "'; it has: " + String.join(", ", known));
            }
        }
        Map<String, JsonNode> values = new TreeMap<>();
        definitions.fields().forEachRemaining(e -> {
            String name = e.getKey();
            ParameterType type = ParameterType.valueOf(e.getValue().path("parameterType").asText());
            if (texts.containsKey(name)) {
                try {
                    values.put(name, type.parse(texts.get(name)));
                } catch (IllegalArgumentException ex) {
                    throw new UserInputException("--param " + name + ": " + ex.getMessage());
                }
            } else if (e.getValue().has("defaultValue")) {
                values.put(name, e.getValue().get("defaultValue"));
            } else {
                throw new UserInputException("the pipeline needs --param " + name + "=... ("
                        + e.getValue().path("description").asText(type.name()) + ")");
            }
        });
        return values;
    }

    private Outputs runDag(String path, JsonNode component, Map<String, JsonNode> parameters,
                           Map<String, List<RuntimeArtifact>> artifacts) throws IOException {
        JsonNode tasks = component.path("dag").path("tasks");
        Map<String, Outputs> done = new TreeMap<>();
        for (String name : SpecValidator.topologicalOrder(tasks)) {
            JsonNode task = tasks.get(name);
            Map<String, JsonNode> taskParameters = new TreeMap<>();
            task.path("inputs").path("parameters").fields().forEachRemaining(e ->
                    taskParameters.put(e.getKey(), parameterValue(e.getValue(), parameters, done)));
            Map<String, List<RuntimeArtifact>> taskArtifacts = new TreeMap<>();
            task.path("inputs").path("artifacts").fields().forEachRemaining(e ->
                    taskArtifacts.put(e.getKey(), artifactValue(e.getValue(), artifacts, done)));
            JsonNode callee = spec.path("components").path(task.path("componentRef").path("name").asText());
            String taskPath = path + name;
            done.put(name, task.has("parameterIterator")
                    ? runLoop(taskPath, task.get("parameterIterator"), callee, taskParameters, taskArtifacts)
                    : runComponent(taskPath, callee, taskParameters, taskArtifacts));
        }
        Outputs outputs = Outputs.empty();
        component.path("dag").path("outputs").path("artifacts").fields().forEachRemaining(e -> {
            List<RuntimeArtifact> selected = new ArrayList<>();
            e.getValue().path("artifactSelectors").forEach(s -> selected.addAll(done.get(s.path("producerSubtask").asText())
                    .artifacts().getOrDefault(s.path("outputArtifactKey").asText(), List.of())));
            outputs.artifacts().put(e.getKey(), selected);
        });
        component.path("dag").path("outputs").path("parameters").fields().forEachRemaining(e -> {
            JsonNode selector = e.getValue().path("valueFromParameter");
            outputs.parameters().put(e.getKey(), done.get(selector.path("producerSubtask").asText())
                    .parameters().get(selector.path("outputParameterKey").asText()));
        });
        return outputs;
    }

    private Outputs runLoop(String path, JsonNode iterator, JsonNode component, Map<String, JsonNode> parameters,
                            Map<String, List<RuntimeArtifact>> artifacts) throws IOException {
        JsonNode items = iterator.path("items").has("raw")
                ? KfpJson.MAPPER.readTree(iterator.path("items").path("raw").asText())
                : parameters.get(iterator.path("items").path("inputParameter").asText());
        if (items != null && items.isTextual()) {
            items = KfpJson.MAPPER.readTree(items.textValue()); // a list passed as its JSON text
        }
        if (items == null || !items.isArray()) {
            throw new UserInputException("loop " + path + " has no list to iterate over");
        }
        Outputs all = Outputs.empty();
        for (int i = 0; i < items.size(); i++) {
            Map<String, JsonNode> iterationParameters = new TreeMap<>(parameters);
            iterationParameters.put(iterator.path("itemInput").asText(), items.get(i));
            Outputs one = runComponent(path + "/" + i + "/", component, iterationParameters, artifacts);
            one.artifacts().forEach((k, v) -> all.artifacts().computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            one.parameters().forEach((k, v) -> ((ArrayNode) all.parameters()
                    .computeIfAbsent(k, x -> KfpJson.MAPPER.createArrayNode())).add(v));
        }
        return all;
    }

    private Outputs runComponent(String path, JsonNode component, Map<String, JsonNode> parameters,
                                 Map<String, List<RuntimeArtifact>> artifacts) throws IOException {
        if (component.has("dag")) {
            return runDag(path.endsWith("/") ? path : path + "/", component, parameters, artifacts);
        }
        JsonNode executor = spec.path("deploymentSpec").path("executors").path(component.path("executorLabel").asText());
        Outputs outputs = executor.has("importer") ? runImporter(path, executor.get("importer"), component, parameters)
                : runContainer(path, executor.get("container"), component, parameters, artifacts);
        ObjectNode entry = ((ObjectNode) record.get("tasks")).putObject(path.replaceAll("/$", ""));
        ObjectNode recorded = entry.putObject("artifacts");
        outputs.artifacts().forEach((name, list) -> recorded.set(name, list.get(0).toJson()));
        if (!outputs.parameters().isEmpty()) {
            ObjectNode values = entry.putObject("parameters");
            outputs.parameters().forEach(values::set);
        }
        return outputs;
    }

    private Outputs runImporter(String path, JsonNode importer, JsonNode component, Map<String, JsonNode> parameters) {
        JsonNode uriSpec = importer.path("artifactUri");
        String uri = uriSpec.has("constant") ? uriSpec.get("constant").asText()
                : parameters.get(uriSpec.path("runtimeParameter").asText()).asText();
        if (uri.contains("://") && !uri.startsWith("file:")) {
            throw new UserInputException(path + ": kfp run imports local paths only, not " + uri);
        }
        Path local = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri).toAbsolutePath().normalize();
        if (!Files.exists(local)) {
            throw new UserInputException(path + ": " + uri + " does not exist");
        }
        log.printf("kfp run: %s imports %s%n", path, local);
        log.flush();
        String output = component.path("outputDefinitions").path("artifacts").fieldNames().next();
        Outputs outputs = Outputs.empty();
        outputs.artifacts().put(output, List.of(new RuntimeArtifact(path, importer.get("typeSchema"), local.toString(), KfpJson.object())));
        return outputs;
    }

    private Outputs runContainer(String path, JsonNode container, JsonNode component, Map<String, JsonNode> bound,
                                 Map<String, List<RuntimeArtifact>> artifacts) throws IOException {
        Path folder = work.resolve(path);
        Map<String, JsonNode> parameters = new TreeMap<>(bound);
        component.path("inputDefinitions").path("parameters").fields().forEachRemaining(e -> {
            if (!parameters.containsKey(e.getKey()) && e.getValue().has("defaultValue")) {
                parameters.put(e.getKey(), e.getValue().get("defaultValue")); // as the launcher's addDefaultParams
            }
        });
        ObjectNode input = KfpJson.object();
        ObjectNode inputs = input.putObject("inputs");
        ObjectNode values = inputs.putObject("parameterValues");
        parameters.forEach(values::set);
        ObjectNode inputArtifacts = inputs.putObject("artifacts");
        artifacts.forEach((name, list) -> {
            ArrayNode array = inputArtifacts.putObject(name).putArray("artifacts");
            list.forEach(a -> array.add(a.toJson()));
        });
        ObjectNode outputs = input.putObject("outputs");
        Map<String, RuntimeArtifact> produced = new LinkedHashMap<>();
        ObjectNode outputArtifacts = outputs.putObject("artifacts");
        component.path("outputDefinitions").path("artifacts").fields().forEachRemaining(e -> {
            RuntimeArtifact a = new RuntimeArtifact(path + "/" + e.getKey(), e.getValue().get("artifactType"),
                    folder.resolve("artifacts").resolve(e.getKey()).toString(), KfpJson.object());
            produced.put(e.getKey(), a);
            outputArtifacts.putObject(e.getKey()).putArray("artifacts").add(a.toJson());
        });
        ObjectNode outputParameters = outputs.putObject("parameters");
        component.path("outputDefinitions").path("parameters").fieldNames().forEachRemaining(name ->
                outputParameters.putObject(name).put("outputFile", folder.resolve("parameters").resolve(name).toString()));
        Path outputFile = folder.resolve("executor_output.json");
        outputs.put("outputFile", outputFile.toString());

        List<String> line = new ArrayList<>();
        container.path("command").forEach(c -> line.add(resolve(c.asText(), input)));
        for (JsonNode arg : container.path("args")) {
            if (IfPresent.isClause(arg.asText())) { // as Kubeflow's driver resolves it, for parameters and artifacts
                IfPresent.parse(arg.asText()).resolve(name -> given(input, name)).forEach(t -> line.add(resolve(t, input)));
            } else {
                line.add(resolve(arg.asText(), input));
            }
        }
        for (RuntimeArtifact a : produced.values()) {
            Files.createDirectories(Path.of(a.uri()).getParent());
        }
        Files.createDirectories(folder.resolve("parameters"));
        Files.deleteIfExists(outputFile);
        Files.writeString(folder.resolve("executor_input.json"), input.toString()); // what {{$}} was, for debugging
        execute(path, commands.map(line), folder.resolve("log.txt"));
        return collect(component, input, produced, outputFile);
    }

    private void execute(String path, List<String> line, Path logFile) throws IOException {
        log.printf("kfp run: %s%n", path);
        log.flush();
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new UserInputException(path + ": interrupted");
        }
        if (exit != 0) {
            List<String> lines = Files.readAllLines(logFile).stream().filter(l -> !l.isBlank()).toList();
            throw new UserInputException("task " + path + " failed with exit code " + exit + ": "
                    + (lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1)) + " (log: " + logFile + ")");
        }
    }

    private Outputs collect(JsonNode component, JsonNode input, Map<String, RuntimeArtifact> produced, Path outputFile)
            throws IOException {
        JsonNode executorOutput = Files.isRegularFile(outputFile) ? KfpJson.MAPPER.readTree(outputFile.toFile()) : KfpJson.object();
        Outputs outputs = Outputs.empty();
        produced.forEach((name, artifact) -> {
            JsonNode reported = executorOutput.path("artifacts").path(name).path("artifacts").path(0);
            ObjectNode metadata = reported.path("metadata").isObject() ? (ObjectNode) reported.get("metadata") : KfpJson.object();
            outputs.artifacts().put(name, List.of(new RuntimeArtifact(artifact.name(), artifact.type(), artifact.uri(), metadata)));
        });
        JsonNode definitions = component.path("outputDefinitions").path("parameters");
        for (var it = definitions.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode value = executorOutput.path("parameterValues").get(e.getKey());
            if (value == null) {
                Path file = Path.of(input.path("outputs").path("parameters").path(e.getKey()).path("outputFile").asText());
                ParameterType type = ParameterType.valueOf(e.getValue().path("parameterType").asText());
                value = type.parse(Files.readString(file));
            }
            outputs.parameters().put(e.getKey(), value);
        }
        return outputs;
    }

    /** Whether a task received an input: an artifact bound to it, or a parameter value (defaults included). */
    static boolean given(JsonNode executorInput, String name) {
        JsonNode inputs = executorInput.path("inputs");
        JsonNode parameter = inputs.path("parameterValues").get(name);
        return (parameter != null && !parameter.isNull()) || !inputs.path("artifacts").path(name).path("artifacts").isEmpty();
    }

    /** Replaces placeholders as Kubeflow's launcher does (getPlaceholders); an unknown one stays as it is. */
    static String resolve(String text, JsonNode executorInput) {
        String resolved = text.replace(Placeholders.EXECUTOR_INPUT, executorInput.toString());
        Matcher m = Placeholders.NAMED.matcher(resolved);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = replacement(m.group(1), m.group(2), m.group(3), executorInput);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? m.group() : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replacement(String kind, String name, String suffix, JsonNode input) {
        switch (kind) {
            case "inputs.parameters" -> {
                JsonNode value = input.path("inputs").path("parameterValues").get(name);
                return suffix.isEmpty() && value != null ? ParameterType.placeholderText(value) : null;
            }
            case "outputs.parameters" -> {
                return suffix.equals(".output_file")
                        ? input.path("outputs").path("parameters").path(name).path("outputFile").asText(null) : null;
            }
            default -> {
                String side = kind.startsWith("inputs") ? "inputs" : "outputs";
                JsonNode artifact = input.path(side).path("artifacts").path(name).path("artifacts").path(0);
                if (artifact.isMissingNode()) {
                    return null;
                }
                return switch (suffix) {
                    case ".path" -> ExecutorInput.localPath(artifact).toString();
                    case ".uri" -> artifact.path("uri").asText();
                    default -> null;
                };
            }
        }
    }

    private JsonNode parameterValue(JsonNode binding, Map<String, JsonNode> parameters, Map<String, Outputs> done) {
        if (binding.has("componentInputParameter")) {
            return parameters.get(binding.get("componentInputParameter").asText());
        }
        if (binding.has("taskOutputParameter")) {
            JsonNode ref = binding.get("taskOutputParameter");
            return done.get(ref.path("producerTask").asText()).parameters().get(ref.path("outputParameterKey").asText());
        }
        return binding.path("runtimeValue").path("constant");
    }

    private List<RuntimeArtifact> artifactValue(JsonNode binding, Map<String, List<RuntimeArtifact>> artifacts,
                                                Map<String, Outputs> done) {
        if (binding.has("componentInputArtifact")) {
            return artifacts.getOrDefault(binding.get("componentInputArtifact").asText(), List.of());
        }
        JsonNode ref = binding.path("taskOutputArtifact");
        return done.get(ref.path("producerTask").asText()).artifacts().getOrDefault(ref.path("outputArtifactKey").asText(), List.of());
    }
}
