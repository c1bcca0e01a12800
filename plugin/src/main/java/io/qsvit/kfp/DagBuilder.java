package io.qsvit.kfp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.kfp.Component.Parameter;
import io.qsvit.kfp.Component.Slot;
import io.qsvit.kfp.Source.Constant;
import io.qsvit.kfp.Source.LoopItem;
import io.qsvit.kfp.Source.PipelineParameter;
import io.qsvit.kfp.Source.TaskArtifact;
import io.qsvit.kfp.Source.TaskParameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tasks of one DAG (the root, or a loop's body) and their input bindings. A body reaches the root's
 * parameters and task outputs through "pipelinechannel--" inputs of its loop component, as Kubeflow's own
 * compiler names them; a component parameter nobody binds becomes a pipeline parameter.
 */
final class DagBuilder {
    /** A component task with its bindings (filled in until the pipeline is built). */
    record Task(String name, Component component, Map<String, Source> bindings) implements Entry {
    }

    /**
     * A fan-out: {@code body} runs once per item of {@code items}, at most {@code parallelism} at a time (0: no
     * limit); {@code collected} are body outputs gathered into lists, by the loop output's key.
     */
    record Loop(String name, Source items, int parallelism, DagBuilder body, Map<String, TaskArtifact> collected)
            implements Entry {
    }

    sealed interface Entry permits Task, Loop {
        String name();
    }

    private final PipelineBuilder pipeline;
    private final DagBuilder parent; // null for the root
    private final List<Entry> tasks = new ArrayList<>();
    /** For a body: the loop component's inputs, name -> where the enclosing DAG takes them from. */
    private final Map<String, Source> channels = new LinkedHashMap<>();
    private final Map<String, ObjectNode> channelDefinitions = new LinkedHashMap<>();
    private String itemInput;

    DagBuilder(PipelineBuilder pipeline, DagBuilder parent) {
        this.pipeline = pipeline;
        this.parent = parent;
    }

    void add(Entry entry) {
        tasks.add(entry);
    }

    Map<String, Source> channels() {
        return channels;
    }

    Map<String, ObjectNode> channelDefinitions() {
        return channelDefinitions;
    }

    void itemInput(String name) {
        itemInput = name;
    }

    /** The {@code tasks} map of this DAG. */
    ObjectNode tasksNode() {
        ObjectNode node = KfpJson.object();
        for (Entry entry : tasks) {
            node.set(entry.name(), entry instanceof Task task ? taskNode(task) : loopNode((Loop) entry));
        }
        return node;
    }

    /** The loop's task here, after registering its body as a component of the pipeline. */
    private ObjectNode loopNode(Loop loop) {
        DagBuilder body = loop.body();
        String items;
        if (loop.items() instanceof TaskParameter t) {
            items = "pipelinechannel--" + t.task() + "-" + t.key();
        } else if (loop.items() instanceof PipelineParameter p) {
            items = "pipelinechannel--" + p.name();
        } else {
            throw new IllegalStateException("a loop iterates over a list parameter, not " + loop.items());
        }
        body.itemInput(items + "-loop-item");
        ObjectNode bodyTasks = body.tasksNode();

        ObjectNode component = KfpJson.object();
        ObjectNode dag = component.putObject("dag");
        dag.set("tasks", bodyTasks);
        ObjectNode inputArtifacts = KfpJson.object();
        ObjectNode inputParameters = KfpJson.object();
        inputParameters.set(items, parameterDefinition(ParameterType.LIST));
        inputParameters.set(items + "-loop-item", parameterDefinition(ParameterType.STRING));
        body.channelDefinitions().forEach((name, definition) ->
                (definition.has("artifactType") ? inputArtifacts : inputParameters).set(name, definition));
        ObjectNode inputDefinitions = component.putObject("inputDefinitions");
        if (!inputArtifacts.isEmpty()) {
            inputDefinitions.set("artifacts", inputArtifacts);
        }
        inputDefinitions.set("parameters", inputParameters);
        if (!loop.collected().isEmpty()) {
            ObjectNode selectors = dag.putObject("outputs").putObject("artifacts");
            ObjectNode outputs = component.putObject("outputDefinitions").putObject("artifacts");
            loop.collected().forEach((key, produced) -> {
                ObjectNode selector = KfpJson.object();
                selector.put("outputArtifactKey", produced.key());
                selector.put("producerSubtask", produced.task());
                selectors.putObject(key).putArray("artifactSelectors").add(selector);
                outputs.set(key, artifactDefinition(new TaskArtifact(loop.name(), key, produced.type(), true)));
            });
        }
        pipeline.addComponent("comp-" + loop.name(), component);

        ObjectNode node = KfpJson.object();
        node.putObject("componentRef").put("name", "comp-" + loop.name());
        node.putObject("taskInfo").put("name", loop.name());
        TreeSet<String> dependencies = new TreeSet<>();
        ObjectNode artifacts = KfpJson.object();
        ObjectNode parameters = KfpJson.object();
        parameters.set(items, parameterBinding(loop.items(), dependencies));
        body.channels().forEach((name, source) -> {
            if (source instanceof TaskArtifact) {
                artifacts.set(name, artifactBinding(source, dependencies));
            } else {
                parameters.set(name, parameterBinding(source, dependencies));
            }
        });
        ObjectNode inputs = node.putObject("inputs");
        if (!artifacts.isEmpty()) {
            inputs.set("artifacts", artifacts);
        }
        inputs.set("parameters", parameters);
        ObjectNode iterator = node.putObject("parameterIterator");
        iterator.put("itemInput", items + "-loop-item");
        iterator.putObject("items").put("inputParameter", items);
        if (loop.parallelism() > 0) {
            node.putObject("iteratorPolicy").put("parallelismLimit", loop.parallelism());
        }
        if (!dependencies.isEmpty()) {
            ArrayNode list = node.putArray("dependentTasks");
            dependencies.forEach(list::add);
        }
        return node;
    }

    private ObjectNode taskNode(Task task) {
        Component c = task.component();
        for (String input : task.bindings().keySet()) {
            boolean known = c.inputs().stream().anyMatch(s -> s.name().equals(input))
                    || c.parameters().stream().anyMatch(p -> p.name().equals(input));
            if (!known) {
                throw new IllegalStateException("task " + task.name() + " binds " + input + ", which component "
                        + c.name() + " does not have");
            }
        }
        ObjectNode node = KfpJson.object();
        node.putObject("cachingOptions").put("enableCache", true);
        node.putObject("componentRef").put("name", c.componentKey());
        node.putObject("taskInfo").put("name", task.name());
        TreeSet<String> dependencies = new TreeSet<>();
        ObjectNode artifacts = KfpJson.object();
        ObjectNode parameters = KfpJson.object();
        for (Slot slot : c.inputs()) {
            Source source = task.bindings().get(slot.name());
            if (source == null) {
                if (!slot.optional()) {
                    throw new IllegalStateException("task " + task.name() + ": required input artifact " + slot.name() + " is not bound");
                }
                continue;
            }
            artifacts.set(slot.name(), artifactBinding(source, dependencies));
        }
        for (Parameter p : c.parameters()) {
            Source source = task.bindings().get(p.name());
            if (source == null) {
                source = new PipelineParameter(pipeline.lift(task.name(), p));
            }
            parameters.set(p.name(), parameterBinding(source, dependencies));
        }
        ObjectNode inputs = KfpJson.object();
        if (!artifacts.isEmpty()) {
            inputs.set("artifacts", artifacts);
        }
        if (!parameters.isEmpty()) {
            inputs.set("parameters", parameters);
        }
        if (!inputs.isEmpty()) {
            node.set("inputs", inputs);
        }
        if (!dependencies.isEmpty()) {
            ArrayNode list = node.putArray("dependentTasks");
            dependencies.forEach(list::add);
        }
        return node;
    }

    ObjectNode artifactBinding(Source source, TreeSet<String> dependencies) {
        ObjectNode binding = KfpJson.object();
        if (source instanceof TaskArtifact t) {
            if (parent == null || owns(t.task())) {
                ObjectNode output = binding.putObject("taskOutputArtifact");
                output.put("outputArtifactKey", t.key());
                output.put("producerTask", t.task());
                dependencies.add(t.task());
            } else {
                String channel = channel(t.task() + "-" + t.key(), source, artifactDefinition(t));
                binding.put("componentInputArtifact", channel);
            }
            return binding;
        }
        throw new IllegalStateException("an artifact input cannot come from " + source);
    }

    ObjectNode parameterBinding(Source source, TreeSet<String> dependencies) {
        ObjectNode binding = KfpJson.object();
        if (source instanceof Constant c) {
            binding.putObject("runtimeValue").set("constant", c.value());
        } else if (source instanceof LoopItem) {
            if (itemInput == null) {
                throw new IllegalStateException("a loop item is bound outside a loop");
            }
            binding.put("componentInputParameter", itemInput);
        } else if (source instanceof PipelineParameter p) {
            binding.put("componentInputParameter", parent == null ? p.name()
                    : channel(p.name(), source, parameterDefinition(pipeline.parameterType(p.name()))));
        } else if (source instanceof TaskParameter t) {
            if (parent == null || owns(t.task())) {
                ObjectNode output = binding.putObject("taskOutputParameter");
                output.put("outputParameterKey", t.key());
                output.put("producerTask", t.task());
                dependencies.add(t.task());
            } else {
                binding.put("componentInputParameter", channel(t.task() + "-" + t.key(), source, parameterDefinition(t.type())));
            }
        }
        return binding;
    }

    private boolean owns(String task) {
        return tasks.stream().anyMatch(t -> t.name().equals(task));
    }

    /** Registers an input of this body's loop component that carries {@code source} in from the enclosing DAG. */
    String channel(String what, Source source, ObjectNode definition) {
        String name = "pipelinechannel--" + what;
        channels.putIfAbsent(name, source);
        channelDefinitions.putIfAbsent(name, definition);
        return name;
    }

    static ObjectNode parameterDefinition(ParameterType type) {
        ObjectNode node = KfpJson.object();
        node.put("parameterType", type.name());
        return node;
    }

    static ObjectNode artifactDefinition(TaskArtifact t) {
        ObjectNode node = KfpJson.object();
        node.set("artifactType", Definitions.artifactType(t.type()));
        if (t.list()) {
            node.put("isArtifactList", true);
        }
        return node;
    }
}
