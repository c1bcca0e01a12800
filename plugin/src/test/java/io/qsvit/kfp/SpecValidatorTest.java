package io.qsvit.kfp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.UserInputException;
import io.qsvit.cli.Qsvit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each rule of the validator, on one defect put into a valid compiled pipeline. */
class SpecValidatorTest {
    static String valid;

    @BeforeAll
    static void compile() {
        valid = Specs.compile(Qsvit.commandLine(), SpecCompiler.APPLY_EVALUATE);
    }

    static ObjectNode spec() {
        return Specs.parse(valid);
    }

    static List<String> problems(ObjectNode spec) {
        return new SpecValidator(spec).problems();
    }

    static ArrayNode evaluateArgs(ObjectNode spec) {
        return (ArrayNode) spec.at("/deploymentSpec/executors/exec-evaluate/container/args");
    }

    static ObjectNode evaluateTask(ObjectNode spec) {
        return (ObjectNode) spec.at("/root/dag/tasks/evaluate");
    }

    @Test
    void theCompiledPipelineHasNoProblem() {
        assertEquals(List.of(), problems(spec()));
    }

    @Test
    void aPlaceholderMustNameADeclaredInput() {
        ObjectNode spec = spec();
        evaluateArgs(spec).set(8, evaluateArgs(spec).textNode("{{$.inputs.parameters['nope']}}"));
        assertEquals(List.of("exec-evaluate: {{$.inputs.parameters['nope']}} names no declared input parameter 'nope'"),
                problems(spec));
    }

    @Test
    void aPlaceholderTheLauncherDoesNotResolveIsRefused() {
        ObjectNode spec = spec();
        evaluateArgs(spec).add("{{$.outputs.output_file}}");
        assertEquals(List.of("exec-evaluate: {{$.outputs.output_file}} is not a placeholder Kubeflow's launcher resolves"),
                problems(spec));
    }

    @Test
    void everyRequiredInputIsBound() {
        ObjectNode spec = spec();
        ((ObjectNode) evaluateTask(spec).at("/inputs/artifacts")).remove("model");
        assertEquals(List.of("root.dag.tasks.evaluate: required input artifact model is not bound"), problems(spec));
    }

    @Test
    void aParameterIsBoundToOneOfItsType() {
        ObjectNode spec = spec();
        ((ObjectNode) evaluateTask(spec).at("/inputs/parameters/batch")).put("componentInputParameter", "limit");
        assertEquals(List.of("root.dag.tasks.evaluate.inputs.parameters.batch is NUMBER_INTEGER but is bound to a STRING"),
                problems(spec));
    }

    @Test
    void anArtifactIsBoundToOneOfItsType() {
        ObjectNode spec = spec();
        ((ObjectNode) evaluateTask(spec).at("/inputs/artifacts/data/taskOutputArtifact")).put("producerTask", "import-model");
        assertEquals(List.of("root.dag.tasks.evaluate.inputs.artifacts.data takes system.Dataset but is bound to system.Model"),
                problems(spec));
    }

    @Test
    void aConstantHasTheParameterType() {
        ObjectNode spec = spec();
        ObjectNode batch = (ObjectNode) evaluateTask(spec).at("/inputs/parameters/batch");
        batch.removeAll().putObject("runtimeValue").put("constant", "many");
        assertEquals(List.of("root.dag.tasks.evaluate.inputs.parameters.batch is the constant \"many\", not a NUMBER_INTEGER"),
                problems(spec));
    }

    @Test
    void componentRefsAndExecutorLabelsResolve() {
        ObjectNode spec = spec();
        ((ObjectNode) evaluateTask(spec).get("componentRef")).put("name", "comp-nope");
        ((ObjectNode) spec.at("/components/comp-apply")).put("executorLabel", "exec-nope");
        assertEquals(List.of("components.comp-apply.executorLabel exec-nope names no executor",
                "root.dag.tasks.evaluate.componentRef comp-nope names no component",
                "deploymentSpec.executors.exec-apply is used by no component"), problems(spec));
    }

    @Test
    void tasksFormNoCycle() {
        ObjectNode spec = spec();
        ((ObjectNode) spec.at("/root/dag/tasks/apply")).withArray("dependentTasks").add("evaluate");
        assertEquals(List.of("root.dag: tasks apply, evaluate depend on each other in a cycle"), problems(spec));
        UserInputException e = assertThrows(UserInputException.class, () -> new SpecValidator(spec).validateOrThrow());
        assertEquals("the pipeline spec is not valid: root.dag: tasks apply, evaluate depend on each other in a cycle",
                e.getMessage());
    }

    @Test
    void onlySchemaVersion210AndAKubeflowNameAreAccepted() {
        ObjectNode spec = spec();
        spec.put("schemaVersion", "2.0.0");
        ((ObjectNode) spec.get("pipelineInfo")).put("name", "Apply_Evaluate");
        assertEquals(List.of("schemaVersion is '2.0.0'; Kubeflow takes 2.1.0",
                "pipelineInfo.name 'Apply_Evaluate' is not lower-case alphanumerics and dashes"), problems(spec));
    }

    @Test
    void aDefaultHasTheParameterType() {
        ObjectNode spec = spec();
        ((ObjectNode) spec.at("/root/inputDefinitions/parameters/batch")).put("defaultValue", 2.5);
        assertEquals(List.of("root.inputDefinitions.parameters.batch has a default that is not NUMBER_INTEGER"), problems(spec));
    }

    @Test
    void anOptionalArtifactOutsideIfPresentIsRefused() {
        ObjectNode spec = spec();
        evaluateArgs(spec).add("--baseline").add("{{$.inputs.artifacts['baseline'].path}}");
        assertEquals(List.of("exec-evaluate: optional input artifact 'baseline' is used outside an IfPresent clause"),
                problems(spec));
    }

    @Test
    void anIfPresentClauseMustNameADeclaredInput() {
        ObjectNode spec = spec();
        evaluateArgs(spec).add(IfPresent.of("nope", List.of("--nope")).text());
        evaluateArgs(spec).add("{\"IfPresent\": 3}");
        assertEquals(List.of("exec-evaluate: IfPresent names no declared input 'nope'",
                "exec-evaluate: IfPresent argument has no InputName: {\"IfPresent\": 3}"), problems(spec));
    }
}
