package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.cli.Qsvit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The committed apply-evaluate pipeline, run by the local runner through each container's command line, gives
 * the numbers {@code qsvit apply} and {@code qsvit evaluate} give directly.
 */
class ApplyEvaluatePipelineTest {
    static final Path SPEC = Specs.FOLDER.resolve("apply-evaluate.yaml");

    @TempDir
    static Path dir;
    static JsonNode run;
    static JsonNode direct;

    static Map<String, String> parameters(Path setting) {
        return Map.of("model_uri", Examples.model("sdtv2").toString(), "data_uri", Examples.subset().toString(),
                "setting_uri", setting.toString(), "limit", "" + Runs.IMAGES);
    }

    @BeforeAll
    static void runThePipelineAndTheStepsDirectly() throws IOException {
        Path setting = StubSteps.exampleSetting();
        run = new LocalRunner(PipelineSpecs.read(SPEC), dir.resolve("work"), Runs.javaMain(Qsvit.class),
                new PrintWriter(new StringWriter())).run(parameters(setting));
        direct = Runs.evaluateDirectly(Runs.applyDirectly(setting, dir.resolve("direct")));
    }

    static JsonNode metric(String name) {
        return run.at("/tasks/evaluate/artifacts/metrics/metadata/" + name);
    }

    @Test
    void theMetricsAreQsvitEvaluatesOfTheSameSetting() {
        assertEquals(Runs.IMAGES, metric("images").asInt());
        assertEquals(direct.get("correct").asInt(), metric("correct").asInt());
        assertEquals(direct.get("accuracy").asDouble(), metric("accuracy").asDouble());
        assertEquals(direct.get("baseline_accuracy").asDouble(), metric("baseline_accuracy").asDouble());
        assertEquals(direct.get("agreement").asDouble(), metric("agreement").asDouble());
        assertEquals(direct.get("macro_f1").asDouble(), metric("macro_f1").asDouble());
    }

    @Test
    void theQuantizedModelIsTheArtifactApplyWritesDirectly() throws IOException {
        JsonNode directMetadata = new ObjectMapper().readTree(dir.resolve("direct/metadata.json").toFile());
        assertEquals(directMetadata.get("cache_key").asText(),
                run.at("/tasks/apply/artifacts/quantized_model/metadata/qsvit_cache_key").asText());
        Path quantized = Path.of(run.at("/tasks/apply/artifacts/quantized_model/uri").asText());
        assertArrayEquals(Files.readAllBytes(dir.resolve("direct/real/model.onnx")), Files.readAllBytes(quantized.resolve("real/model.onnx")));
    }

    @Test
    void theConfusionMatrixHasTheFormTheKubeflowUiChecks() {
        JsonNode matrix = run.at("/tasks/evaluate/artifacts/confusion_matrix/metadata/confusionMatrix");
        assertEquals(10, matrix.get("annotationSpecs").size());
        assertEquals(10, matrix.get("rows").size());
        long total = 0;
        long diagonal = 0;
        for (int i = 0; i < 10; i++) {
            JsonNode row = matrix.get("rows").get(i).get("row");
            assertEquals(10, row.size());
            for (int j = 0; j < 10; j++) {
                total += row.get(j).asLong();
            }
            diagonal += row.get(i).asLong();
        }
        assertEquals(Runs.IMAGES, total);
        assertEquals(direct.get("correct").asLong(), diagonal);
    }

    @Test
    void theReportIsTheEvaluationsMarkdownFile() throws IOException {
        Path evaluation = Path.of(run.at("/tasks/evaluate/artifacts/evaluation/uri").asText());
        Path report = Path.of(run.at("/tasks/evaluate/artifacts/report/uri").asText());
        assertEquals(Files.readString(evaluation.resolve("report.md")), Files.readString(report));
    }

    @Test
    void theExecutorOutputCarriesTheMetricsForTheLauncher() throws IOException {
        JsonNode output = new ObjectMapper().readTree(dir.resolve("work/evaluate/executor_output.json").toFile());
        JsonNode metrics = output.at("/artifacts/metrics/artifacts/0");
        assertEquals(run.at("/tasks/evaluate/artifacts/metrics/uri").asText(), metrics.get("uri").asText());
        assertEquals(direct.get("accuracy").asDouble(), metrics.at("/metadata/accuracy").asDouble());
    }

    @Test
    void aMissingParameterIsNamedWithItsDescription() {
        UserInputException e = assertThrows(UserInputException.class, () -> new LocalRunner(PipelineSpecs.read(SPEC),
                dir.resolve("unused"), Runs.javaMain(Qsvit.class), new PrintWriter(new StringWriter()))
                .run(Map.of("model_uri", "m", "setting_uri", "s")));
        assertEquals("the pipeline needs --param data_uri=... (URI of the labelled images: an IDX folder, a folder of "
                + ".npy arrays, a libsvm file or a folder of class folders.)", e.getMessage());
    }

    @Test
    void anUnknownParameterIsRefused() {
        UserInputException e = assertThrows(UserInputException.class, () -> new LocalRunner(PipelineSpecs.read(SPEC),
                dir.resolve("unused"), Runs.javaMain(Qsvit.class), new PrintWriter(new StringWriter()))
                .run(Map.of("shards", "4")));
        assertEquals("the pipeline has no parameter 'shards'; it has: batch, bias_correction, calibration_format,"
                + " calibration_limit, calibration_seed, calibration_split, channel_order, crop, data_uri, divide_by,"
                + " djl_serving, exif, format, frames, frames_by, layout, limit, mean, model_uri, preset, resize, runtime, seed,"
                + " sensor, setting_uri, split, std, threads, time_layout", e.getMessage());
    }

    @Test
    void aFailingTaskStopsTheRunWithItsError() throws IOException {
        Path setting = Files.writeString(dir.resolve("bad-setting.yaml"), "schema: qsvit.setting/v1\ndefault: uniform99\n");
        Path work = dir.resolve("failing");
        UserInputException e = assertThrows(UserInputException.class, () -> new LocalRunner(PipelineSpecs.read(SPEC),
                work, Runs.javaMain(Qsvit.class), new PrintWriter(new StringWriter())).run(parameters(setting)));
        assertEquals("task apply failed with exit code 1: qsvit: error: " + setting + ": default: bits out of range in 'uniform99': uniform takes 2..16 bits "
                + "(log: " + work.resolve("apply/log.txt") + ")", e.getMessage());
    }
}
