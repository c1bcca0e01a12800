package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.UserInputException;
import io.qsvit.kfp.StepDeclaration.ArtifactInput;
import io.qsvit.kfp.StepDeclaration.ArtifactOutput;
import io.qsvit.kfp.StepDeclaration.DerivedOutput;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qsvit kfp exec}: runs one step inside a Kubeflow container and speaks the launcher's contract around
 * it. Before: list inputs (a ParallelFor's collected artifacts, which no placeholder can name) become one
 * option per artifact; IfPresent clauses a launcher left unresolved are resolved; options whose value is unset (an empty string, or a placeholder the launcher left
 * because an optional input was not bound) are left out; boolean parameters become flags. After: the
 * outputs for the UI are derived from the step's folder, and the ExecutorOutput JSON goes to
 * {@code outputs.outputFile}, where the launcher reads artifact metadata from.
 */
public final class ExecutorAdapter {
    private final CommandLine root;

    public ExecutorAdapter(CommandLine root) {
        this.root = root;
    }

    /** Runs the step; returns its exit code (the step's own when it failed). */
    public int run(ExecutorInput input, List<String> stepArgs) throws IOException {
        if (stepArgs.isEmpty()) {
            throw new UserInputException("kfp exec needs a step command after --");
        }
        StepDeclaration step = StepDeclarations.byCommand(stepArgs.get(0)).orElseThrow(() -> new UserInputException(
                "kfp exec runs a qsvit step, and '" + stepArgs.get(0) + "' is none: "
                        + String.join(", ", StepDeclarations.STEPS.stream().map(StepDeclaration::commandName).toList())));
        CommandSpec command = ComponentBuilder.command(root, step);
        List<String> args = new ArrayList<>(step.command());
        args.addAll(present(conditionsResolved(stepArgs.subList(1, stepArgs.size()), input), command));
        for (ArtifactInput artifact : step.inputs()) {
            List<Path> paths = input.inputPaths(artifact.name());
            // a list, which no placeholder can name; or an optional artifact whose IfPresent the driver dropped
            // although it is bound (Kubeflow 2.17.0 tested only parameters, kubeflow/pipelines PR 14175)
            boolean dropped = !artifact.list() && paths.size() == 1 && !args.contains(artifact.option());
            if (artifact.list() || dropped) {
                for (Path path : paths) {
                    args.add(artifact.option());
                    args.add(path.toString());
                }
            }
        }
        int exit = root.execute(args.toArray(String[]::new));
        if (exit != 0) {
            return exit;
        }
        writeExecutorOutput(step, input);
        return 0;
    }

    /**
     * Resolves IfPresent clauses a launcher passed through unresolved (Kubeflow before 2.17 left them to the
     * container): an artifact input is present when the executor input lists it, a parameter when it has a
     * value; the clause's own placeholders are then taken from the executor input.
     */
    static List<String> conditionsResolved(List<String> args, ExecutorInput input) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            if (!IfPresent.isClause(arg)) {
                out.add(arg);
                continue;
            }
            for (String item : IfPresent.parse(arg).resolve(name -> LocalRunner.given(input.json(), name))) {
                out.add(LocalRunner.resolve(item, input.json()));
            }
        }
        return out;
    }

    /** The arguments with unset options left out and boolean parameters turned into flags. */
    static List<String> present(List<String> args, CommandSpec command) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            OptionSpec option = arg.startsWith("-") ? command.findOption(arg) : null;
            if (option == null || i + 1 == args.size()) {
                kept.add(arg);
                continue;
            }
            String value = args.get(i + 1);
            if (option.arity().max() == 0 && (value.equals("true") || value.equals("false"))) {
                if (value.equals("true")) {
                    kept.add(arg);
                }
                i++;
            } else if (option.arity().max() > 0 && (value.isEmpty() || Placeholders.unresolved(value))) {
                i++;
            } else {
                kept.add(arg);
            }
        }
        return kept;
    }

    private void writeExecutorOutput(StepDeclaration step, ExecutorInput input) throws IOException {
        ObjectNode artifacts = KfpJson.object();
        for (ArtifactOutput output : step.outputs()) {
            JsonNode metadata = DerivedOutputs.readMetadata(input.outputPath(output.name()));
            ObjectNode values = KfpJson.object();
            values.put("qsvit_step", metadata.path("step").asText());
            values.put("qsvit_cache_key", metadata.path("cache_key").asText());
            values.put("qsvit_version", metadata.path("tool_version").asText());
            put(artifacts, output.name(), input.output(output.name()), values);
        }
        for (DerivedOutput derived : step.derived()) {
            Path source = input.outputPath(derived.source());
            ObjectNode values = DerivedOutputs.write(derived.derivation(), source, input.outputPath(derived.name()));
            put(artifacts, derived.name(), input.output(derived.name()), values);
        }
        ObjectNode output = KfpJson.object();
        output.set("artifacts", artifacts);
        Path file = input.outputFile();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, KfpJson.MAPPER.writeValueAsString(KfpJson.sorted(output)));
    }

    private static void put(ObjectNode artifacts, String name, JsonNode runtimeArtifact, ObjectNode metadata) {
        ObjectNode artifact = KfpJson.object();
        artifact.put("uri", runtimeArtifact.path("uri").asText());
        artifact.set("metadata", metadata);
        artifacts.putObject(name).putArray("artifacts").add(artifact);
    }
}
