package io.qsvit.kfp;

import io.qsvit.UserInputException;
import io.qsvit.cli.Qsvit;
import io.qsvit.kfp.Component.Parameter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Components come from the picocli model: names, types, defaults and the exact container command line. */
class ComponentBuilderTest {
    static final ContainerImage IMAGE = new ContainerImage("registry.example/qsvit:9", List.of("/opt/qsvit/bin/qsvit"));

    @Test
    void evaluateTakesItsParametersFromTheCommandsOptions() {
        Component evaluate = new ComponentBuilder(Qsvit.commandLine(), IMAGE).build(StepDeclarations.EVALUATE);
        List<String> parameters = new ArrayList<>();
        for (Parameter p : evaluate.parameters()) {
            parameters.add(p.name() + ":" + p.type() + "=" + p.defaultValue());
        }
        // --json is console-only; options without a default (--limit, --seed, --resize, --sensor, --frames,
        // --threads, ...) are empty strings when unset
        assertEquals(List.of("format:STRING=\"auto\"", "split:STRING=\"t10k\"", "limit:STRING=\"\"", "seed:STRING=\"\"",
                "preset:STRING=\"none\"", "resize:STRING=\"\"", "crop:STRING=\"\"", "mean:STRING=\"\"", "std:STRING=\"\"",
                "channel_order:STRING=\"\"", "divide_by:STRING=\"\"", "layout:STRING=\"\"", "exif:STRING=\"\"",
                "frames_by:STRING=\"number\"", "sensor:STRING=\"\"", "frames:STRING=\"\"", "time_layout:STRING=\"auto\"",
                "batch:NUMBER_INTEGER=250", "threads:STRING=\"\""), parameters);
        assertEquals(List.of("model", "data", "baseline", "energy_table"),
                evaluate.inputs().stream().map(Component.Slot::name).toList());
        assertEquals(List.of("evaluation", "metrics", "confusion_matrix", "report"),
                evaluate.outputs().stream().map(Component.Slot::name).toList());
        assertEquals("registry.example/qsvit:9", evaluate.executor().at("/container/image").asText());
        assertEquals("[\"/opt/qsvit/bin/qsvit\"]", evaluate.executor().at("/container/command").toString());
    }

    /** explore's search choices reach Kubeflow as parameters with the command's defaults, passed on as options. */
    @Test
    void exploreTakesObjectiveAcceptanceAndHoldout() {
        Component explore = new ComponentBuilder(Qsvit.commandLine(), IMAGE).build(StepDeclarations.EXPLORE);
        List<String> parameters = new ArrayList<>();
        for (Parameter p : explore.parameters()) {
            if (List.of("objective", "acceptance", "holdout", "strategy").contains(p.name())) {
                parameters.add(p.name() + ":" + p.type() + "=" + p.defaultValue());
            }
        }
        assertEquals(List.of("strategy:STRING=\"guided\"", "objective:STRING=\"\"", "acceptance:STRING=\"observed\"",
                "holdout:NUMBER_INTEGER=0"), parameters);
        String command = explore.executor().at("/container/args").toString();
        for (String option : List.of("objective", "acceptance", "holdout")) {
            assertTrue(command.contains("\"--" + option + "\",\"{{$.inputs.parameters['" + option + "']}}\""), command);
        }
    }

    @Test
    void applyRunsThroughTheExecutorAdapterWithPlaceholdersForEveryOption() {
        Component apply = new ComponentBuilder(Qsvit.commandLine(), IMAGE).build(StepDeclarations.APPLY);
        assertEquals("[\"kfp\",\"exec\",\"--executor-input\",\"{{$}}\",\"--\",\"apply\","
                + "\"--model\",\"{{$.inputs.artifacts['model'].path}}\","
                + "\"--setting\",\"{{$.inputs.artifacts['setting'].path}}\","
                + "\"--out\",\"{{$.outputs.artifacts['quantized_model'].path}}\","
                + "\"--djl-serving\",\"{{$.inputs.parameters['djl_serving']}}\","
                + "\"--preset\",\"{{$.inputs.parameters['preset']}}\",\"--resize\",\"{{$.inputs.parameters['resize']}}\","
                + "\"--crop\",\"{{$.inputs.parameters['crop']}}\",\"--mean\",\"{{$.inputs.parameters['mean']}}\","
                + "\"--std\",\"{{$.inputs.parameters['std']}}\","
                + "\"--channel-order\",\"{{$.inputs.parameters['channel_order']}}\","
                + "\"--divide-by\",\"{{$.inputs.parameters['divide_by']}}\","
                + "\"--layout\",\"{{$.inputs.parameters['layout']}}\",\"--exif\",\"{{$.inputs.parameters['exif']}}\","
                + "\"--frames-by\",\"{{$.inputs.parameters['frames_by']}}\",\"--sensor\",\"{{$.inputs.parameters['sensor']}}\","
                + "\"--frames\",\"{{$.inputs.parameters['frames']}}\","
                + "\"--time-layout\",\"{{$.inputs.parameters['time_layout']}}\","
                + "\"--runtime\",\"{{$.inputs.parameters['runtime']}}\","
                + "\"--bias-correction\",\"{{$.inputs.parameters['bias_correction']}}\","
                + "\"{\\\"IfPresent\\\": {\\\"InputName\\\": \\\"calibration_data\\\", \\\"Then\\\": [\\\"--calibration-data\\\", "
                + "\\\"{{$.inputs.artifacts['calibration_data'].path}}\\\"]}}\","
                + "\"--calibration-format\",\"{{$.inputs.parameters['calibration_format']}}\","
                + "\"--calibration-split\",\"{{$.inputs.parameters['calibration_split']}}\","
                + "\"--calibration-limit\",\"{{$.inputs.parameters['calibration_limit']}}\","
                + "\"--calibration-seed\",\"{{$.inputs.parameters['calibration_seed']}}\"]",
                apply.executor().at("/container/args").toString());
    }

    @Test
    void aCommandThatIsNotRegisteredFailsNamingIt() {
        UserInputException e = assertThrows(UserInputException.class,
                () -> SpecCompiler.compile(new CommandLine(new Bare()), List.of(SpecCompiler.PIPELINE), SpecCompiler.Options.defaults()));
        assertEquals("'qsvit sensitivity' is not a registered command of this qsvit build",
                e.getMessage());
    }

    /** A command line with no step at all. */
    @Command(name = "qsvit")
    static final class Bare {
    }

    @Command(name = "evaluate")
    static final class PathOptionNobodyDeclared {
        @Option(names = "--model")
        Path model;
        @Option(names = "--data")
        Path data;
        @Option(names = "--baseline")
        Path baseline;
        @Option(names = "--energy-table")
        Path energyTable;
        @Option(names = "--out")
        Path out;
        @Option(names = "--json")
        boolean json;
        @Option(names = "--calibration")
        Path calibration;
    }

    @Test
    void aPathOptionMustBeDeclaredAsAnArtifact() {
        CommandLine root = new CommandLine(new Bare()).addSubcommand(new PathOptionNobodyDeclared());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ComponentBuilder(root, IMAGE).build(StepDeclarations.EVALUATE));
        assertEquals("option --calibration of 'qsvit evaluate' takes a path: declare it in StepDeclarations as an artifact "
                + "or as console-only", e.getMessage());
    }

    @Test
    void optionNamesBecomeIdentifiers() {
        assertEquals("max_drop", ComponentBuilder.parameterName("--max-drop"));
        assertEquals("energy_table", ComponentBuilder.parameterName("--energy-table"));
    }

    @Test
    void aComponentFileIsNamedAsKubeflowsCompilerNamesIt() {
        // rule: pipelineInfo.name is the component's name, and its component and executor are comp-/exec- + that name
        for (StepDeclaration step : StepDeclarations.STEPS) {
            var spec = Specs.parse(Specs.compile(Qsvit.commandLine(), step.componentName()));
            String name = spec.at("/pipelineInfo/name").asText();
            assertEquals(step.componentName(), name);
            assertEquals(List.of("exec-" + name), iterable(spec.at("/deploymentSpec/executors").fieldNames()));
            assertEquals(List.of("comp-" + name), iterable(spec.at("/components").fieldNames()));
            assertEquals("exec-" + name, spec.at("/components/comp-" + name + "/executorLabel").asText());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void namesAreMadeKubernetesSafeAsTheSdkDoes() {
        // kfp/dsl/utils.py maybe_rename_for_k8s, on the same inputs
        assertEquals("sensitivity-merge", KfpNames.forK8s("sensitivity-merge"));
        assertEquals("my-step-2", KfpNames.forK8s("My Step__2"));
        assertEquals("a-b", KfpNames.forK8s("--A..--b--"));
        assertEquals("exec-shard-plan", KfpNames.executorLabel("shard_plan"));
        assertEquals("comp-shard-plan", KfpNames.componentKey("Shard Plan"));
    }

    @Test
    void anOptionalArtifactInputIsWrappedInIfPresentExactlyAsTheSdkWritesIt() {
        Component evaluate = new ComponentBuilder(Qsvit.commandLine(), IMAGE).build(StepDeclarations.EVALUATE);
        List<String> args = new ArrayList<>();
        evaluate.executor().at("/container/args").forEach(a -> args.add(a.asText()));
        // the text KFP 2.15.2's compiler writes for dsl.IfPresentPlaceholder(input_name='baseline', then=[...])
        assertTrue(args.contains("{\"IfPresent\": {\"InputName\": \"baseline\", \"Then\": [\"--baseline\", "
                + "\"{{$.inputs.artifacts['baseline'].path}}\"]}}"), args.toString());
        assertFalse(args.contains("--baseline"));
        // required artifacts stay plain
        int model = args.indexOf("--model");
        assertEquals("{{$.inputs.artifacts['model'].path}}", args.get(model + 1));
        // generic: every optional input artifact of every step, none by name
        for (StepDeclaration step : StepDeclarations.STEPS) {
            Component c = new ComponentBuilder(Qsvit.commandLine(), IMAGE).build(step);
            List<String> stepArgs = new ArrayList<>();
            c.executor().at("/container/args").forEach(a -> stepArgs.add(a.asText()));
            for (Component.Slot slot : c.inputs()) {
                if (slot.optional() && !slot.list()) {
                    long clauses = stepArgs.stream().filter(a -> IfPresent.isClause(a)
                            && IfPresent.parse(a).inputName().equals(slot.name())).count();
                    assertEquals(1, clauses, step.componentName() + "." + slot.name());
                    assertFalse(stepArgs.contains(Placeholders.inputArtifactPath(slot.name())));
                }
            }
        }
    }

    @Test
    void ifPresentReadsBackWhatItWrites() {
        IfPresent clause = new IfPresent("x", List.of("--x", "{{$.inputs.artifacts['x'].path}}"), List.of("--no-x"));
        assertEquals(clause, IfPresent.parse(clause.text()));
        assertEquals(List.of("--no-x"), clause.resolve(name -> false));
        assertEquals(List.of("--x", "{{$.inputs.artifacts['x'].path}}"), clause.resolve("x"::equals));
        assertEquals(List.of("a"), IfPresent.parse("{\"IfPresent\":{\"InputName\":\"x\",\"Then\":\"a\"}}").then());
        assertEquals("IfPresent Then/Else holds a non-string item: {\"IfPresent\": {\"InputName\": \"x\", \"Then\": [1]}}",
                assertThrows(UserInputException.class,
                        () -> IfPresent.parse("{\"IfPresent\": {\"InputName\": \"x\", \"Then\": [1]}}")).getMessage());
    }
}
