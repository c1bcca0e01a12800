package io.qsvit.kfp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a component needs beyond a step command's picocli options: which options carry artifacts (and of
 * which Kubeflow type), which write an output parameter, which outputs are derived from the step's output
 * folder for the Kubeflow UI (metrics, confusion matrix, report), and which options only make sense on a
 * console. Every other option becomes an input parameter with the option's own type, default and description.
 *
 * @param command     the subcommand path under {@code qsvit}, e.g. {@code [evaluate]} or {@code [kfp, shards]}
 * @param viaExecutor true when the component runs through {@code qsvit kfp exec}, which reads Kubeflow's
 *                    executor input (list artifacts, metadata for the UI); false for a plain command line
 */
public record StepDeclaration(List<String> command, boolean viaExecutor, List<ArtifactInput> inputs,
                              List<ArtifactOutput> outputs, List<ParameterOutput> parameterOutputs,
                              List<DerivedOutput> derived, Set<String> consoleOnly) {

    /** An option whose value is the path of an input artifact; a list input repeats the option per artifact. */
    public record ArtifactInput(String option, String name, ArtifactType type, boolean list) {
    }

    /** An option whose value is the path the step writes an output artifact (a folder) to. */
    public record ArtifactOutput(String option, String name, ArtifactType type) {
    }

    /** An option whose value is the file an output parameter is written to. */
    public record ParameterOutput(String option, String name, ParameterType type) {
    }

    /** An output artifact made after the step from the output artifact {@code source} (its folder). */
    public record DerivedOutput(String name, ArtifactType type, String source, Derivation derivation) {
    }

    public String commandName() {
        return String.join(" ", command);
    }

    /** The component's name in specs: the command path joined with dashes ({@code kfp shards} -> {@code kfp-shards}). */
    public String componentName() {
        return String.join("-", command);
    }

    public ArtifactOutput output(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(commandName() + " has no output artifact " + name));
    }

    static Builder step(String... command) {
        return new Builder(List.of(command), true);
    }

    static Builder plainCommand(String... command) {
        return new Builder(List.of(command), false);
    }

    static final class Builder {
        private final List<String> command;
        private final boolean viaExecutor;
        private final List<ArtifactInput> inputs = new ArrayList<>();
        private final List<ArtifactOutput> outputs = new ArrayList<>();
        private final List<ParameterOutput> parameterOutputs = new ArrayList<>();
        private final List<DerivedOutput> derived = new ArrayList<>();
        private final Set<String> consoleOnly = new LinkedHashSet<>();

        private Builder(List<String> command, boolean viaExecutor) {
            this.command = command;
            this.viaExecutor = viaExecutor;
        }

        Builder input(String option, String name, ArtifactType type) {
            inputs.add(new ArtifactInput(option, name, type, false));
            return this;
        }

        Builder inputList(String option, String name, ArtifactType type) {
            inputs.add(new ArtifactInput(option, name, type, true));
            return this;
        }

        Builder output(String option, String name, ArtifactType type) {
            outputs.add(new ArtifactOutput(option, name, type));
            return this;
        }

        Builder parameterOutput(String option, String name, ParameterType type) {
            parameterOutputs.add(new ParameterOutput(option, name, type));
            return this;
        }

        Builder derived(String name, ArtifactType type, String source, Derivation derivation) {
            derived.add(new DerivedOutput(name, type, source, derivation));
            return this;
        }

        Builder consoleOnly(String... options) {
            consoleOnly.addAll(List.of(options));
            return this;
        }

        StepDeclaration build() {
            return new StepDeclaration(command, viaExecutor, List.copyOf(inputs), List.copyOf(outputs),
                    List.copyOf(parameterOutputs), List.copyOf(derived), Set.copyOf(consoleOnly));
        }
    }
}
