package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One step's Kubeflow component: its definitions (the {@code components} entry of a spec) and its executor
 * (the {@code deploymentSpec.executors} entry), with the inputs and outputs a pipeline binds.
 */
public record Component(StepDeclaration step, List<Parameter> parameters, List<Slot> inputs, List<Slot> outputs,
                        List<Parameter> parameterOutputs, ObjectNode definition, ObjectNode executor) {

    /** An input parameter; {@code defaultValue} is null when the parameter is required. */
    public record Parameter(String name, ParameterType type, JsonNode defaultValue, String description) {
    }

    /** An input or output artifact. */
    public record Slot(String name, ArtifactType type, boolean list, boolean optional, String description) {
    }

    public String name() {
        return step.componentName();
    }

    public String componentKey() {
        return KfpNames.componentKey(name());
    }

    public String executorLabel() {
        return KfpNames.executorLabel(name());
    }

    public Slot input(String name) {
        return inputs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name() + " has no input artifact " + name));
    }

    public Slot output(String name) {
        return outputs.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name() + " has no output artifact " + name));
    }

    public Parameter parameterOutput(String name) {
        return parameterOutputs.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name() + " has no output parameter " + name));
    }
}
