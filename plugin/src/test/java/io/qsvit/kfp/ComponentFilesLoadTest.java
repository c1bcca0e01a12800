package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression test for the committed component files: each loads, as Kubeflow's SDK loads it, as a container
 * component (not a pipeline of one task), whose optional artifact inputs appear only in IfPresent clauses.
 * (Checked by hand with the real SDK too: /work/shared/tools/kfp-sdk/check.py.)
 */
class ComponentFilesLoadTest {

    static List<Path> componentFiles() throws IOException {
        try (Stream<Path> files = Files.list(Specs.FOLDER.resolve("components"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyComponentFileLoadsAsAContainerComponent() throws IOException {
        List<String> loaded = new ArrayList<>();
        for (Path file : componentFiles()) {
            JsonNode spec = KfpJson.YAML.readTree(file.toFile());
            KfpComponentLoader.Loaded component = KfpComponentLoader.load(spec);
            loaded.add(file.getFileName() + ": " + component.name() + " " + component.kind());
            assertEquals(file.getFileName().toString(), component.name() + ".yaml");
            assertFalse(component.inputs().isEmpty(), file + " has inputs");
        }
        assertEquals(List.of("apply.yaml: apply CONTAINER", "bounds.yaml: bounds CONTAINER", "evaluate.yaml: evaluate CONTAINER",
                "explore.yaml: explore CONTAINER", "gate.yaml: gate CONTAINER", "push.yaml: push CONTAINER",
                "sensitivity-merge.yaml: sensitivity-merge CONTAINER",
                "sensitivity.yaml: sensitivity CONTAINER"), loaded);
    }

    @Test
    void optionalArtifactInputsOfEveryComponentAreOnlyInIfPresentClauses() throws IOException {
        List<String> wrapped = new ArrayList<>();
        for (Path file : componentFiles()) {
            JsonNode spec = KfpJson.YAML.readTree(file.toFile());
            KfpComponentLoader.Loaded component = KfpComponentLoader.load(spec);
            JsonNode artifacts = spec.path("components").path(KfpNames.componentKey(component.name()))
                    .path("inputDefinitions").path("artifacts");
            for (var it = artifacts.fields(); it.hasNext(); ) {
                var input = it.next();
                boolean optional = input.getValue().path("isOptional").asBoolean();
                String placeholder = Placeholders.inputArtifactPath(input.getKey());
                for (String arg : component.args()) {
                    boolean clause = IfPresent.isClause(arg);
                    if (clause && IfPresent.parse(arg).inputName().equals(input.getKey())) {
                        wrapped.add(component.name() + "." + input.getKey());
                        assertTrue(optional, input.getKey() + " is optional where it is wrapped");
                    } else if (arg.contains(placeholder)) {
                        assertFalse(optional, component.name() + ": optional " + input.getKey() + " outside IfPresent");
                    }
                }
            }
        }
        assertEquals(List.of("apply.calibration_data", "evaluate.baseline", "evaluate.energy_table", "explore.energy_table", "explore.sensitivity",
                "gate.energy_table", "push.bounds", "push.evaluation", "push.exploration", "push.gate", "push.quantized_model",
                "push.sensitivity"), wrapped);
    }

    @Test
    void aFileNamedTheOldWayLoadsAsAGraph() throws IOException {
        JsonNode spec = KfpJson.YAML.readTree(componentFiles().get(0).toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("pipelineInfo")).put("name", "qsvit-apply");
        assertEquals(KfpComponentLoader.Kind.GRAPH, KfpComponentLoader.load(spec).kind());
    }
}
