package io.qsvit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.pipeline.PipelineConfig;
import io.qsvit.quant.Setting;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.EvaluateStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The JSON schemas in the repository describe what the tool really writes and reads. */
class DocumentSchemasTest {
    /** Rules with a kind, an asymmetric and a per-tensor scheme, pow2 and float: every form a setting takes. */
    static final String SETTING = """
            schema: qsvit.setting/v1
            grouping:
              granularity: block
              rules:
                - {match: 'stage(\\d)\\.block(\\d)\\.attn\\..*', group: 'stage$1.block$2.attn', kind: attention}
            default: uniform8
            groups: {stage1.downsample: uniform4-asym, stage2.downsample: uniform4-tensor, stage3.block1.attn: float32,
                     head: pow2-5}
            """;

    @TempDir
    Path dir;

    @Test
    void applyAndEvaluateOutputsFollowTheirSchemas() throws IOException {
        Path setting = Files.writeString(dir.resolve("setting.yaml"), SETTING);
        Schemas.assertValid(setting, Schemas.SETTING);
        Path applied = dir.resolve("apply");
        ApplyStep.run(Examples.model("sdtv2"), setting, applied);
        assertEquals(List.of("metadata.json", "setting.json"), Schemas.assertValidArtifact(applied));

        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, 60, 3L);
        Path evaluated = dir.resolve("evaluate");
        EvaluateStep.run(new EvaluateStep.Request(applied, Examples.model("sdtv2"), data,
                null, 30, 2), evaluated);
        assertEquals(List.of("metadata.json"), Schemas.assertValidArtifact(evaluated));
        // without a baseline there is no comparison either
        EvaluateStep.run(new EvaluateStep.Request(Examples.model("spikformer"), null, data, null, 30, 2), dir.resolve("alone"));
        assertEquals(List.of("metadata.json"), Schemas.assertValidArtifact(dir.resolve("alone")));
    }

    @Test
    void bundledAndExampleDocumentsFollowTheirSchemas() throws IOException {
        try (InputStream table = EnergyTable.class.getResourceAsStream("energy-45nm.json")) {
            assertEquals(List.of(), Schemas.problems(new ObjectMapper().readTree(table), Schemas.ENERGY_TABLE));
        }
        Path pipelines = Examples.root().resolve("pipelines");
        Schemas.assertValid(pipelines.resolve("qsvit-final-setting.yaml"), Schemas.SETTING);
        for (String config : List.of("apply-evaluate.yaml", "search.yaml")) {
            Schemas.assertValid(pipelines.resolve(config), Schemas.PIPELINE);
            PipelineConfig.read(pipelines.resolve(config)); // and the tool reads it
        }
    }

    @Test
    void everySchemaIsAValidDraft202012Schema() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        var meta = factory.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        for (String schema : List.of(Schemas.STEP_METADATA, Schemas.SETTING, Schemas.ENERGY_TABLE, Schemas.PIPELINE)) {
            try (InputStream in = DocumentSchemasTest.class.getResourceAsStream("/" + Schemas.FOLDER + schema)) {
                JsonNode node = new ObjectMapper().readTree(in);
                Set<ValidationMessage> problems = meta.validate(node);
                assertEquals(Set.of(), problems, schema);
                assertEquals("https://json-schema.org/draft/2020-12/schema", node.get("$schema").asText(), schema);
            }
        }
    }

    @Test
    void theSchemasRejectWhatTheToolRejects() throws IOException {
        Path bits = Files.writeString(dir.resolve("bits.yaml"), "groups: {head: uniform17}\n");
        assertEquals(List.of("$.groups.head: does not match the regex pattern "
                + "^(float32|(uniform([2-9]|1[0-6])(-asym)?(-tensor)?|pow2-[2-8](-tensor)?)(:(mse|p[0-9.]+))?"
                + "|fixed([2-9]|[12][0-9]|3[0-2])(:[a-z0-9.=]+)*)$"), Schemas.problems(bits, Schemas.SETTING));
        // the schemes of scale rules, fixed point and computed groups with their ranges are settings the schema takes
        Path computed = Files.writeString(dir.resolve("computed.yaml"), "groups: {head: 'uniform4:mse', "
                + "'head:membrane': 'fixed8:q3.4:truncate', 'stage3.block1:attention-product': uniform8}\n"
                + "ranges: {'stage3.block1:attention-product': 50.0}\n");
        assertEquals(List.of(), Schemas.problems(computed, Schemas.SETTING));
        assertThrows(UserInputException.class, () -> Setting.read(bits));

        Path both = Files.writeString(dir.resolve("both.yaml"), "requirement: {max_drop: 0.01, target_accuracy: 0.8}\n");
        assertEquals(1, Schemas.problems(both, Schemas.PIPELINE).size(), Schemas.problems(both, Schemas.PIPELINE).toString());
        assertEquals(both + ": requirement takes max_drop or target_accuracy, not both",
                assertThrows(UserInputException.class, () -> PipelineConfig.read(both)).getMessage());

        Path seed = Files.writeString(dir.resolve("seed.yaml"), "evaluate: {seed: 4}\n");
        assertEquals(List.of("$.evaluate: has a missing property 'limit' which is dependent required because 'seed' is present"),
                Schemas.problems(seed, Schemas.PIPELINE));
        assertEquals(seed + ": evaluate.seed chooses a stratified subset and needs evaluate.limit",
                assertThrows(UserInputException.class, () -> PipelineConfig.read(seed)).getMessage());

        ObjectNode metadata = (ObjectNode) Schemas.parse("""
                {"schema": "qsvit.step-metadata/v1", "step": "apply", "algorithm_version": 1, "tool_version": "0.1.0",
                 "inputs": {}, "parameters": {}, "results": {}, "outputs": {"model.onnx": "abc"},
                 "provenance": {"qsvit": "0.1.0", "java": "17", "onnxruntime": "1.23.2", "os_arch": "Linux/amd64"},
                 "timings": {"seconds": 1.5}}""", false);
        List<String> problems = Schemas.problems(metadata, Schemas.STEP_METADATA);
        assertEquals(List.of(
                "$.inputs: required property 'model' not found",
                "$.inputs: required property 'setting' not found",
                "$.outputs.model.onnx: does not match the regex pattern ^[0-9a-f]{64}$",
                "$.results: required property 'groups' not found",
                "$.results: required property 'preparation' not found",
                "$.results: required property 'real_model' not found",
                "$.results: required property 'runtime' not found",
                "$.results: required property 'weights' not found",
                "$: required property 'cache_key' not found"), problems);
    }
}
