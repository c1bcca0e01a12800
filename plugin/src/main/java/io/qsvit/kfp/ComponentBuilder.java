package io.qsvit.kfp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.qsvit.UserInputException;
import io.qsvit.kfp.Component.Parameter;
import io.qsvit.kfp.Component.Slot;
import io.qsvit.kfp.StepDeclaration.ArtifactInput;
import io.qsvit.kfp.StepDeclaration.ArtifactOutput;
import io.qsvit.kfp.StepDeclaration.DerivedOutput;
import io.qsvit.kfp.StepDeclaration.ParameterOutput;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a step's component from the picocli model of its command (options, types, defaults, descriptions)
 * and its {@link StepDeclaration}, so the component and the CLI cannot disagree.
 */
public final class ComponentBuilder {
    /** KFP's limit on an input or output description. */
    private static final int MAX_DESCRIPTION = 1024;
    private static final String UNSET = " Empty: not set.";

    private final CommandLine root;
    private final ContainerImage image;

    public ComponentBuilder(CommandLine root, ContainerImage image) {
        this.root = root;
        this.image = image;
    }

    /** The command of a step in the registered command line; fails naming it when it is not registered. */
    public static CommandSpec command(CommandLine root, StepDeclaration step) {
        CommandLine command = root;
        for (String name : step.command()) {
            command = command.getSubcommands().get(name);
            if (command == null) {
                throw new UserInputException("'qsvit " + step.commandName() + "' is not a registered command of this qsvit build");
            }
        }
        return command.getCommandSpec();
    }

    public Component build(StepDeclaration step) {
        CommandSpec command = command(root, step);
        // optional positional parameters are a people's shorthand (qsvit push DIR REF) that components do not use
        if (command.positionalParameters().stream().anyMatch(p -> p.arity().min() > 0)) {
            throw new IllegalStateException("'qsvit " + step.commandName() + "' has positional parameters; components pass options only");
        }
        checkDeclaredOptionsExist(step, command);
        List<Parameter> parameters = new ArrayList<>();
        List<Slot> inputs = new ArrayList<>();
        List<Slot> outputs = new ArrayList<>();
        List<Parameter> parameterOutputs = new ArrayList<>();
        ArrayNode args = KfpJson.MAPPER.createArrayNode();
        if (step.viaExecutor()) {
            args.add("kfp").add("exec").add("--executor-input").add(Placeholders.EXECUTOR_INPUT).add("--");
        }
        step.command().forEach(args::add);
        for (OptionSpec option : command.options()) {
            // inherited options (--cache-dir, --no-cache) configure the local process, not the step
            if (option.usageHelp() || option.versionHelp() || option.hidden() || option.inherited()
                    || step.consoleOnly().contains(option.longestName())) {
                continue;
            }
            String name = option.longestName();
            String description = description(option);
            ArtifactInput input = find(step.inputs(), name);
            ArtifactOutput output = step.outputs().stream().filter(o -> o.option().equals(name)).findFirst().orElse(null);
            ParameterOutput parameterOutput = step.parameterOutputs().stream()
                    .filter(o -> o.option().equals(name)).findFirst().orElse(null);
            if (input != null) {
                inputs.add(new Slot(input.name(), input.type(), input.list(), !option.required(), description));
                if (input.list()) {
                    continue; // a list is passed by kfp exec, one option per artifact
                }
                if (option.required()) {
                    args.add(name).add(Placeholders.inputArtifactPath(input.name()));
                } else {
                    // an unbound optional artifact has no path: without IfPresent, kfp.local passes the text "null"
                    args.add(IfPresent.of(input.name(), List.of(name, Placeholders.inputArtifactPath(input.name()))).text());
                }
            } else if (output != null) {
                outputs.add(new Slot(output.name(), output.type(), false, false, description));
                args.add(name).add(Placeholders.outputArtifactPath(output.name()));
            } else if (parameterOutput != null) {
                parameterOutputs.add(new Parameter(parameterOutput.name(), parameterOutput.type(), null, description));
                args.add(name).add(Placeholders.outputParameterFile(parameterOutput.name()));
            } else {
                if (option.type() == Path.class || option.type() == File.class) {
                    throw new IllegalStateException("option " + name + " of 'qsvit " + step.commandName() + "' takes a "
                            + "path: declare it in StepDeclarations as an artifact or as console-only");
                }
                Parameter parameter = parameter(option, description);
                parameters.add(parameter);
                args.add(name).add(Placeholders.inputParameter(parameter.name()));
            }
        }
        for (DerivedOutput derived : step.derived()) {
            outputs.add(new Slot(derived.name(), derived.type(), false, false, derivedDescription(derived)));
        }
        return new Component(step, List.copyOf(parameters), List.copyOf(inputs), List.copyOf(outputs),
                List.copyOf(parameterOutputs), definition(KfpNames.executorLabel(step.componentName()), parameters, inputs, outputs,
                parameterOutputs), executor(args));
    }

    private static ArtifactInput find(List<ArtifactInput> inputs, String option) {
        return inputs.stream().filter(i -> i.option().equals(option)).findFirst().orElse(null);
    }

    private static void checkDeclaredOptionsExist(StepDeclaration step, CommandSpec command) {
        List<String> declared = new ArrayList<>();
        step.inputs().forEach(i -> declared.add(i.option()));
        step.outputs().forEach(o -> declared.add(o.option()));
        step.parameterOutputs().forEach(o -> declared.add(o.option()));
        declared.addAll(step.consoleOnly());
        for (String option : declared) {
            if (command.findOption(option) == null) {
                throw new IllegalStateException("StepDeclarations names " + option + " for 'qsvit " + step.commandName()
                        + "', which has no such option");
            }
        }
    }

    /** Flags are booleans (false by default); options with no default and no requirement are strings, empty when unset. */
    private static Parameter parameter(OptionSpec option, String description) {
        String name = parameterName(option.longestName());
        if (option.arity().max() == 0) {
            return new Parameter(name, ParameterType.BOOLEAN, BooleanNode.FALSE, description);
        }
        ParameterType type = option.isMultiValue() ? ParameterType.STRING : ParameterType.of(option.type());
        if (option.defaultValue() != null) {
            return new Parameter(name, type, type.parse(option.defaultValue()), description);
        }
        if (option.required()) {
            return new Parameter(name, type, null, description);
        }
        return new Parameter(name, ParameterType.STRING, TextNode.valueOf(""), clip(description + UNSET));
    }

    /** {@code --max-drop} -> {@code max_drop}: Kubeflow names are identifiers. */
    static String parameterName(String option) {
        return option.replaceFirst("^-+", "").replace('-', '_');
    }

    private static String description(OptionSpec option) {
        // picocli descriptions are format strings: "%%" is a percent sign, "%n" a line break
        String text = String.join(" ", option.description()).replace("%n", " ").replace("%%", "%");
        if (option.defaultValue() != null) {
            text = text.replace("${DEFAULT-VALUE}", option.defaultValue());
        }
        return clip(text);
    }

    private static String derivedDescription(DerivedOutput derived) {
        return switch (derived.type()) {
            case METRICS -> "Scalar metrics of the " + derived.source() + " output, shown in the Kubeflow UI.";
            case CLASSIFICATION_METRICS -> "Confusion matrix of the " + derived.source() + " output, shown in the Kubeflow UI.";
            default -> "Report of the " + derived.source() + " output, rendered in the Kubeflow UI.";
        };
    }

    private static String clip(String text) {
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION - 3) + "...";
    }

    private static ObjectNode definition(String executorLabel, List<Parameter> parameters, List<Slot> inputs,
                                         List<Slot> outputs, List<Parameter> parameterOutputs) {
        ObjectNode definition = KfpJson.object();
        definition.put("executorLabel", executorLabel);
        ObjectNode inputDefinitions = Definitions.inputs(parameters, inputs);
        if (!inputDefinitions.isEmpty()) {
            definition.set("inputDefinitions", inputDefinitions);
        }
        ObjectNode outputDefinitions = Definitions.outputs(parameterOutputs, outputs);
        if (!outputDefinitions.isEmpty()) {
            definition.set("outputDefinitions", outputDefinitions);
        }
        return definition;
    }

    private ObjectNode executor(ArrayNode args) {
        ObjectNode container = KfpJson.object();
        container.put("image", image.image());
        ArrayNode command = container.putArray("command");
        image.entrypoint().forEach(command::add);
        container.set("args", args);
        ObjectNode executor = KfpJson.object();
        executor.set("container", container);
        return executor;
    }
}
