package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qsvit.UserInputException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a compiled pipeline the way a run would fail on it: schema version and name as Kubeflow's API server
 * requires them, every componentRef and executorLabel resolving, every placeholder naming a declared input or
 * output (and being one the launcher resolves), every task input bound to a pipeline parameter, a constant or
 * an upstream output of a matching type, every required input bound, and no cycle among the tasks.
 */
public final class SpecValidator {
    /** The pipeline name rule of Kubeflow's API server (v2_template.go). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> TYPES = Set.of("STRING", "NUMBER_INTEGER", "NUMBER_DOUBLE", "BOOLEAN", "LIST", "STRUCT");

    private final JsonNode spec;
    private final List<String> problems = new ArrayList<>();

    public SpecValidator(JsonNode spec) {
        this.spec = spec;
    }

    public List<String> problems() {
        problems.clear();
        if (!PipelineBuilder.SCHEMA_VERSION.equals(spec.path("schemaVersion").asText())) {
            problems.add("schemaVersion is '" + spec.path("schemaVersion").asText() + "'; Kubeflow takes 2.1.0");
        }
        if (!NAME.matcher(spec.path("pipelineInfo").path("name").asText()).matches()) {
            problems.add("pipelineInfo.name '" + spec.path("pipelineInfo").path("name").asText()
                    + "' is not lower-case alphanumerics and dashes");
        }
        if (!spec.path("root").isObject()) {
            problems.add("root is missing");
            return List.copyOf(problems);
        }
        Set<String> usedExecutors = new HashSet<>();
        spec.path("components").fields().forEachRemaining(e -> component("components." + e.getKey(), e.getValue(), usedExecutors));
        component("root", spec.get("root"), usedExecutors);
        spec.path("deploymentSpec").path("executors").fieldNames().forEachRemaining(label -> {
            if (!usedExecutors.contains(label)) {
                problems.add("deploymentSpec.executors." + label + " is used by no component");
            }
        });
        return List.copyOf(problems);
    }

    public void validateOrThrow() {
        List<String> found = problems();
        if (!found.isEmpty()) {
            throw new UserInputException("the pipeline spec is not valid: " + String.join("; ", found));
        }
    }

    /** Task names so that every task comes after the tasks it depends on (ties by name); fails on a cycle. */
    public static List<String> topologicalOrder(JsonNode tasks) {
        Map<String, Set<String>> upstream = new TreeMap<>();
        tasks.fields().forEachRemaining(e -> upstream.put(e.getKey(), upstreamOf(e.getValue())));
        List<String> order = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (order.size() < upstream.size()) {
            String next = upstream.entrySet().stream()
                    .filter(e -> !placed.contains(e.getKey()) && placed.containsAll(e.getValue()))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (next == null) {
                TreeSet<String> left = new TreeSet<>(upstream.keySet());
                left.removeAll(placed);
                throw new UserInputException("tasks " + String.join(", ", left) + " depend on each other in a cycle");
            }
            order.add(next);
            placed.add(next);
        }
        return order;
    }

    private static Set<String> upstreamOf(JsonNode task) {
        Set<String> upstream = new TreeSet<>();
        task.path("dependentTasks").forEach(d -> upstream.add(d.asText()));
        for (String kind : List.of("artifacts", "parameters")) {
            task.path("inputs").path(kind).forEach(binding -> {
                String producer = binding.path("taskOutputArtifact").path("producerTask")
                        .asText(binding.path("taskOutputParameter").path("producerTask").asText(""));
                if (!producer.isEmpty()) {
                    upstream.add(producer);
                }
            });
        }
        return upstream;
    }

    private void component(String where, JsonNode component, Set<String> usedExecutors) {
        definitions(where + ".inputDefinitions", component.path("inputDefinitions"));
        definitions(where + ".outputDefinitions", component.path("outputDefinitions"));
        boolean dag = component.has("dag");
        boolean executor = component.has("executorLabel");
        if (dag == executor) {
            problems.add(where + " must have either a dag or an executorLabel");
        } else if (executor) {
            String label = component.get("executorLabel").asText();
            JsonNode spec = this.spec.path("deploymentSpec").path("executors").path(label);
            usedExecutors.add(label);
            if (spec.isMissingNode()) {
                problems.add(where + ".executorLabel " + label + " names no executor");
            } else if (spec.has("container")) {
                container(where, label, spec.get("container"), component);
            } else if (spec.has("importer")) {
                importer(where, label, spec.get("importer"), component);
            } else {
                problems.add("deploymentSpec.executors." + label + " is neither a container nor an importer");
            }
        } else {
            dag(where + ".dag", component);
        }
    }

    private void definitions(String where, JsonNode definitions) {
        definitions.path("artifacts").fields().forEachRemaining(e -> {
            JsonNode type = e.getValue().path("artifactType");
            if (!type.path("schemaTitle").asText().startsWith("system.") || !type.has("schemaVersion")) {
                problems.add(where + ".artifacts." + e.getKey() + " has no system schemaTitle and schemaVersion");
            }
        });
        definitions.path("parameters").fields().forEachRemaining(e -> {
            String type = e.getValue().path("parameterType").asText();
            if (!TYPES.contains(type)) {
                problems.add(where + ".parameters." + e.getKey() + " has parameterType '" + type + "'");
            } else if (e.getValue().has("defaultValue") && !type.equals("STRUCT")
                    && !ParameterType.valueOf(type).accepts(e.getValue().get("defaultValue"))) {
                problems.add(where + ".parameters." + e.getKey() + " has a default that is not " + type);
            }
        });
    }

    private void container(String where, String label, JsonNode container, JsonNode component) {
        if (container.path("image").asText().isEmpty() || !container.path("command").isArray()
                || container.path("command").isEmpty()) {
            problems.add("deploymentSpec.executors." + label + " needs an image and a command");
        }
        List<String> texts = new ArrayList<>();
        container.path("command").forEach(t -> texts.add(t.asText()));
        for (JsonNode arg : container.path("args")) {
            if (!IfPresent.isClause(arg.asText())) {
                texts.add(arg.asText());
                optionalOutsideIfPresent(label, arg.asText(), component);
                continue;
            }
            try {
                IfPresent clause = IfPresent.parse(arg.asText());
                JsonNode inputs = component.path("inputDefinitions");
                if (!inputs.path("artifacts").has(clause.inputName()) && !inputs.path("parameters").has(clause.inputName())) {
                    problems.add(label + ": IfPresent names no declared input '" + clause.inputName() + "'");
                }
                texts.addAll(clause.then());
                texts.addAll(clause.orElse());
            } catch (UserInputException e) {
                problems.add(label + ": " + e.getMessage());
            }
        }
        for (String text : texts) {
            Matcher any = Placeholders.ANY.matcher(text);
            while (any.find()) {
                String placeholder = any.group();
                if (placeholder.equals(Placeholders.EXECUTOR_INPUT)) {
                    continue;
                }
                Matcher named = Placeholders.NAMED.matcher(placeholder);
                if (!named.matches()) {
                    problems.add(label + ": " + placeholder + " is not a placeholder Kubeflow's launcher resolves");
                    continue;
                }
                placeholder(label, placeholder, named.group(1), named.group(2), named.group(3), component);
            }
        }
    }

    /** An optional input artifact may be unbound, and then has no path: only an IfPresent clause may name it. */
    private void optionalOutsideIfPresent(String label, String arg, JsonNode component) {
        Matcher named = Placeholders.NAMED.matcher(arg);
        while (named.find()) {
            if (named.group(1).equals("inputs.artifacts") && component.path("inputDefinitions").path("artifacts")
                    .path(named.group(2)).path("isOptional").asBoolean()) {
                problems.add(label + ": optional input artifact '" + named.group(2) + "' is used outside an IfPresent clause");
            }
        }
    }

    private void placeholder(String label, String text, String kind, String name, String suffix, JsonNode component) {
        String side = kind.startsWith("inputs") ? "inputDefinitions" : "outputDefinitions";
        String what = kind.endsWith("artifacts") ? "artifacts" : "parameters";
        JsonNode declared = component.path(side).path(what).path(name);
        if (declared.isMissingNode()) {
            problems.add(label + ": " + text + " names no declared " + side.replace("Definitions", "") + " "
                    + what.substring(0, what.length() - 1) + " '" + name + "'");
            return;
        }
        boolean ok = switch (kind) {
            case "inputs.parameters" -> suffix.isEmpty();
            case "outputs.parameters" -> suffix.equals(".output_file");
            default -> suffix.equals(".path") || suffix.equals(".uri");
        };
        if (!ok) {
            problems.add(label + ": " + text + " has a suffix the launcher does not resolve");
        }
        if (kind.endsWith("artifacts") && declared.path("isArtifactList").asBoolean()) {
            problems.add(label + ": " + text + " names a list of artifacts, which the launcher resolves to its first only");
        }
    }

    private void importer(String where, String label, JsonNode importer, JsonNode component) {
        String parameter = importer.path("artifactUri").path("runtimeParameter").asText("");
        if (!parameter.isEmpty() && !component.path("inputDefinitions").path("parameters").has(parameter)) {
            problems.add(label + ": artifactUri reads parameter '" + parameter + "', which " + where + " does not declare");
        }
        JsonNode outputs = component.path("outputDefinitions").path("artifacts");
        if (outputs.size() != 1) {
            problems.add(where + ": an importer has exactly one output artifact");
        } else if (!outputs.elements().next().path("artifactType").path("schemaTitle").asText()
                .equals(importer.path("typeSchema").path("schemaTitle").asText())) {
            problems.add(label + ": typeSchema differs from the output artifact's type");
        }
    }

    private void dag(String where, JsonNode component) {
        JsonNode tasks = component.path("dag").path("tasks");
        try {
            topologicalOrder(tasks);
        } catch (UserInputException e) {
            problems.add(where + ": " + e.getMessage());
        }
        tasks.fields().forEachRemaining(e -> task(where + ".tasks." + e.getKey(), e.getValue(), tasks, component));
        component.path("dag").path("outputs").path("artifacts").fields().forEachRemaining(e ->
                e.getValue().path("artifactSelectors").forEach(s -> {
                    JsonNode producer = callee(tasks.path(s.path("producerSubtask").asText()));
                    if (producer == null || !producer.path("outputDefinitions").path("artifacts").has(s.path("outputArtifactKey").asText())) {
                        problems.add(where + ".outputs.artifacts." + e.getKey() + " selects an output no subtask has");
                    }
                }));
    }

    private JsonNode callee(JsonNode task) {
        if (task.isMissingNode()) {
            return null;
        }
        JsonNode callee = spec.path("components").path(task.path("componentRef").path("name").asText());
        return callee.isMissingNode() ? null : callee;
    }

    private void task(String where, JsonNode task, JsonNode siblings, JsonNode parent) {
        JsonNode callee = callee(task);
        if (callee == null) {
            problems.add(where + ".componentRef " + task.path("componentRef").path("name").asText() + " names no component");
            return;
        }
        task.path("dependentTasks").forEach(d -> {
            if (!siblings.has(d.asText())) {
                problems.add(where + ".dependentTasks names no task " + d.asText());
            }
        });
        String itemInput = task.path("parameterIterator").path("itemInput").asText("");
        JsonNode inputs = callee.path("inputDefinitions");
        task.path("inputs").path("artifacts").fields().forEachRemaining(e -> {
            JsonNode declared = inputs.path("artifacts").path(e.getKey());
            if (declared.isMissingNode()) {
                problems.add(where + ".inputs.artifacts." + e.getKey() + " is not an input of the component");
            } else {
                artifactBinding(where + ".inputs.artifacts." + e.getKey(), e.getValue(), declared, siblings, parent);
            }
        });
        task.path("inputs").path("parameters").fields().forEachRemaining(e -> {
            JsonNode declared = inputs.path("parameters").path(e.getKey());
            if (declared.isMissingNode()) {
                problems.add(where + ".inputs.parameters." + e.getKey() + " is not an input of the component");
            } else {
                parameterBinding(where + ".inputs.parameters." + e.getKey(), e.getValue(), declared, siblings, parent);
            }
        });
        inputs.path("artifacts").fields().forEachRemaining(e -> {
            if (!e.getValue().path("isOptional").asBoolean() && !task.path("inputs").path("artifacts").has(e.getKey())) {
                problems.add(where + ": required input artifact " + e.getKey() + " is not bound");
            }
        });
        inputs.path("parameters").fields().forEachRemaining(e -> {
            boolean required = !e.getValue().path("isOptional").asBoolean() && !e.getValue().has("defaultValue");
            if (required && !e.getKey().equals(itemInput) && !task.path("inputs").path("parameters").has(e.getKey())) {
                problems.add(where + ": required input parameter " + e.getKey() + " is not bound");
            }
        });
        if (task.has("parameterIterator")) {
            String items = task.path("parameterIterator").path("items").path("inputParameter").asText("");
            if (!items.isEmpty() && !"LIST".equals(inputs.path("parameters").path(items).path("parameterType").asText())) {
                problems.add(where + ".parameterIterator iterates over " + items + ", which is not a LIST input");
            }
            if (!inputs.path("parameters").has(itemInput)) {
                problems.add(where + ".parameterIterator.itemInput " + itemInput + " is not an input of the component");
            }
        }
    }

    private void artifactBinding(String where, JsonNode binding, JsonNode declared, JsonNode siblings, JsonNode parent) {
        JsonNode source;
        if (binding.has("componentInputArtifact")) {
            source = parent.path("inputDefinitions").path("artifacts").path(binding.get("componentInputArtifact").asText());
        } else if (binding.has("taskOutputArtifact")) {
            JsonNode ref = binding.get("taskOutputArtifact");
            JsonNode producer = callee(siblings.path(ref.path("producerTask").asText()));
            source = producer == null ? MissingNode.getInstance()
                    : producer.path("outputDefinitions").path("artifacts").path(ref.path("outputArtifactKey").asText());
        } else {
            problems.add(where + " is bound to nothing");
            return;
        }
        if (source.isMissingNode()) {
            problems.add(where + " is bound to an artifact that does not exist: " + binding);
            return;
        }
        String want = declared.path("artifactType").path("schemaTitle").asText();
        String got = source.path("artifactType").path("schemaTitle").asText();
        if (!want.equals(got) && !want.equals(ArtifactType.ARTIFACT.schemaTitle())) {
            problems.add(where + " takes " + want + " but is bound to " + got);
        }
        if (declared.path("isArtifactList").asBoolean() != source.path("isArtifactList").asBoolean()) {
            problems.add(where + (declared.path("isArtifactList").asBoolean() ? " takes a list" : " takes one artifact")
                    + " but is bound to " + (source.path("isArtifactList").asBoolean() ? "a list" : "one artifact"));
        }
    }

    private void parameterBinding(String where, JsonNode binding, JsonNode declared, JsonNode siblings, JsonNode parent) {
        String want = declared.path("parameterType").asText();
        String got;
        if (binding.has("componentInputParameter")) {
            JsonNode source = parent.path("inputDefinitions").path("parameters").path(binding.get("componentInputParameter").asText());
            if (source.isMissingNode()) {
                problems.add(where + " reads input parameter " + binding.get("componentInputParameter").asText()
                        + ", which the enclosing component does not declare");
                return;
            }
            got = source.path("parameterType").asText();
        } else if (binding.has("taskOutputParameter")) {
            JsonNode ref = binding.get("taskOutputParameter");
            JsonNode producer = callee(siblings.path(ref.path("producerTask").asText()));
            JsonNode source = producer == null ? null
                    : producer.path("outputDefinitions").path("parameters").get(ref.path("outputParameterKey").asText());
            if (source == null) {
                problems.add(where + " is bound to an output parameter that does not exist: " + binding);
                return;
            }
            got = source.path("parameterType").asText();
        } else if (binding.path("runtimeValue").has("constant")) {
            JsonNode constant = binding.path("runtimeValue").path("constant");
            if (TYPES.contains(want) && !want.equals("STRUCT") && !ParameterType.valueOf(want).accepts(constant)) {
                problems.add(where + " is the constant " + constant + ", not a " + want);
            }
            return;
        } else {
            problems.add(where + " is bound to nothing");
            return;
        }
        if (!want.equals(got)) {
            problems.add(where + " is " + want + " but is bound to a " + got);
        }
    }
}
