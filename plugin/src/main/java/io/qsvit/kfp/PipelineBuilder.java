package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.kfp.Component.Parameter;
import io.qsvit.kfp.Component.Slot;
import io.qsvit.kfp.DagBuilder.Loop;
import io.qsvit.kfp.DagBuilder.Task;
import io.qsvit.kfp.Source.PipelineParameter;
import io.qsvit.kfp.Source.TaskArtifact;
import io.qsvit.kfp.Source.TaskParameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Assembles a compiled pipeline (PipelineSpec, schema 2.1.0): components, executors, the root DAG with its
 * input parameters, and at most one level of ParallelFor loops. Data enters through importer tasks whose
 * URIs are pipeline parameters, which is how a run started from the Kubeflow UI names its inputs.
 */
public final class PipelineBuilder {
    public static final String SCHEMA_VERSION = "2.1.0";

    private final String name;
    private final String description;
    private final String sdkVersion;
    private final Map<String, ObjectNode> components = new TreeMap<>();
    private final Map<String, ObjectNode> executors = new TreeMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final DagBuilder root = new DagBuilder(this, null);

    /** A task being declared: bind its inputs, refer to its outputs. */
    public final class TaskHandle {
        private final Task task;

        private TaskHandle(Task task) {
            this.task = task;
        }

        public TaskHandle bind(String input, Source source) {
            task.bindings().put(input, source);
            return this;
        }

        public Source artifact(String output) {
            Slot slot = task.component().output(output);
            return new TaskArtifact(task.name(), output, slot.type(), false);
        }

        public Source parameter(String output) {
            return new TaskParameter(task.name(), output, task.component().parameterOutput(output).type());
        }
    }

    /** A ParallelFor being declared: its body's tasks and the outputs collected from every iteration. */
    public final class LoopHandle {
        private final Loop loop;

        private LoopHandle(Loop loop) {
            this.loop = loop;
        }

        public TaskHandle task(String taskName, Component component) {
            Task task = new Task(taskName, component, new LinkedHashMap<>());
            loop.body().add(task);
            register(component);
            return new TaskHandle(task);
        }

        /** The list of one body output over all iterations, as the loop task's output. */
        public Source collect(TaskHandle producer, String output) {
            TaskArtifact single = (TaskArtifact) producer.artifact(output);
            String key = "pipelinechannel--" + single.task() + "-" + output;
            loop.collected().put(key, single);
            return new TaskArtifact(loop.name(), key, single.type(), true);
        }
    }

    public PipelineBuilder(String name, String description, String sdkVersion) {
        this.name = name;
        this.description = description;
        this.sdkVersion = sdkVersion;
    }

    /** Declares a pipeline parameter; {@code defaultValue} null makes it required. */
    public Source parameter(String parameterName, ParameterType type, JsonNode defaultValue, String text) {
        Parameter previous = parameters.putIfAbsent(parameterName, new Parameter(parameterName, type, defaultValue, text));
        if (previous != null) {
            throw new IllegalStateException("pipeline parameter " + parameterName + " is declared twice");
        }
        return new PipelineParameter(parameterName);
    }

    /** An importer task that makes an artifact of {@code type} from the URI in pipeline parameter {@code uriParameter}. */
    public Source importer(String taskName, String uriParameter, ArtifactType type) {
        String componentName = "comp-" + taskName;
        ObjectNode component = KfpJson.object();
        component.put("executorLabel", "exec-" + taskName);
        component.putObject("inputDefinitions").putObject("parameters").putObject("uri").put("parameterType", "STRING");
        component.putObject("outputDefinitions").putObject("artifacts").putObject("artifact")
                .set("artifactType", Definitions.artifactType(type));
        addComponent(componentName, component);
        ObjectNode importer = KfpJson.object();
        importer.putObject("artifactUri").put("runtimeParameter", "uri");
        importer.set("typeSchema", Definitions.artifactType(type));
        ObjectNode executor = KfpJson.object();
        executor.set("importer", importer);
        executors.put("exec-" + taskName, executor);

        Component handle = new Component(StepDeclaration.plainCommand(taskName).build(),
                List.of(new Parameter("uri", ParameterType.STRING, null, null)), List.of(),
                List.of(new Slot("artifact", type, false, false, null)), List.of(), component, executor);
        Task task = new Task(taskName, handle, new LinkedHashMap<>());
        task.bindings().put("uri", new PipelineParameter(uriParameter));
        root.add(task);
        return new TaskArtifact(taskName, "artifact", type, false);
    }

    public TaskHandle task(String taskName, Component component) {
        Task task = new Task(taskName, component, new LinkedHashMap<>());
        root.add(task);
        register(component);
        return new TaskHandle(task);
    }

    public LoopHandle loop(String loopName, Source items, int parallelism) {
        Loop loop = new Loop(loopName, items, parallelism, new DagBuilder(this, root), new LinkedHashMap<>());
        root.add(loop);
        return new LoopHandle(loop);
    }

    public ObjectNode build() {
        ObjectNode tasks = root.tasksNode(); // binds and lifts parameters, registers loop components
        ObjectNode spec = KfpJson.object();
        ObjectNode componentsNode = spec.putObject("components");
        components.forEach(componentsNode::set);
        ObjectNode executorsNode = spec.putObject("deploymentSpec").putObject("executors");
        executors.forEach(executorsNode::set);
        ObjectNode info = spec.putObject("pipelineInfo");
        info.put("name", name);
        info.put("description", description);
        ObjectNode rootNode = spec.putObject("root");
        rootNode.putObject("dag").set("tasks", tasks);
        rootNode.set("inputDefinitions", Definitions.inputs(List.copyOf(parameters.values()), List.of()));
        spec.put("schemaVersion", SCHEMA_VERSION);
        spec.put("sdkVersion", sdkVersion);
        return spec;
    }

    /**
     * The pipeline parameter an unbound component parameter reads: one of the same name when it has the same
     * type and default (so every step sees the same --limit), else one prefixed with the task name.
     */
    String lift(String taskName, Parameter p) {
        Parameter existing = parameters.get(p.name());
        if (existing == null) {
            parameters.put(p.name(), p);
            return p.name();
        }
        if (existing.type() == p.type() && Objects.equals(existing.defaultValue(), p.defaultValue())) {
            return p.name();
        }
        String prefixed = taskName.replace('-', '_') + "_" + p.name();
        parameters.putIfAbsent(prefixed, new Parameter(prefixed, p.type(), p.defaultValue(), p.description()));
        return prefixed;
    }

    ParameterType parameterType(String parameterName) {
        Parameter p = parameters.get(parameterName);
        if (p == null) {
            throw new IllegalStateException("no pipeline parameter " + parameterName);
        }
        return p.type();
    }

    void addComponent(String key, ObjectNode component) {
        components.put(key, component);
    }

    private void register(Component component) {
        components.put(component.componentKey(), component.definition());
        executors.put(component.executorLabel(), component.executor());
    }
}
