package io.qsvit.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.cli.Qsvit;
import io.qsvit.kfp.CommandMapping;
import io.qsvit.kfp.ContainerImage;
import io.qsvit.kfp.LocalRunner;
import io.qsvit.kfp.PipelineSpecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The compiled pipelines run through the image's own entrypoint, /opt/qsvit/bin/qsvit, from the image layout
 * the build made (jlink'ed runtime, jar, script): the command lines a Kubeflow pod runs, minus Kubernetes.
 */
class ImageEntrypointPipelineTest {
    static final int IMAGES = 200;
    static final Path EXAMPLES = Path.of(System.getProperty("qsvit.examples", "../examples")).toAbsolutePath().normalize();
    static final Path SPECS = Path.of(System.getProperty("qsvit.specs", "../pipeline-specs")).toAbsolutePath().normalize();
    static final Path IMAGE_ROOT = Path.of(System.getProperty("qsvit.image.root", "target/image")).toAbsolutePath().normalize();
    static final Path MODEL = EXAMPLES.resolve("models/sdtv2/model.onnx");
    static final Path DATA = EXAMPLES.resolve("data/fashion-mnist-2000");

    @TempDir
    Path dir;

    static JsonNode run(Path spec, Path work, Map<String, String> parameters) throws IOException {
        ContainerImage image = ContainerImage.fromBuild();
        CommandMapping commands = new CommandMapping(IMAGE_ROOT, image.entrypoint(), List.of());
        return new LocalRunner(PipelineSpecs.read(spec), work, commands, new PrintWriter(new StringWriter())).run(parameters);
    }

    /** {@code qsvit apply} then {@code qsvit evaluate --json}, in this JVM, of a setting (file or folder). */
    static JsonNode applyAndEvaluateDirectly(Path setting, Path dir) throws IOException {
        Path applied = dir.resolve("direct");
        assertEquals(0, Qsvit.commandLine().execute("apply", "--model", MODEL.toString(), "--setting", setting.toString(),
                "--out", applied.toString()));
        StringWriter out = new StringWriter();
        assertEquals(0, Qsvit.commandLine().setOut(new PrintWriter(out)).execute("evaluate", "--model", applied.toString(),
                "--baseline", MODEL.toString(), "--data", DATA.toString(), "--limit", "" + IMAGES, "--json"));
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void theEntrypointIsTheLaidOutScriptOverTheJlinkedRuntime() {
        String entrypoint = ContainerImage.fromBuild().entrypoint().get(0);
        assertEquals("/opt/qsvit/bin/qsvit", entrypoint);
        assertTrue(Files.isExecutable(IMAGE_ROOT.resolve(entrypoint.substring(1))), IMAGE_ROOT.toString());
        assertTrue(Files.isExecutable(IMAGE_ROOT.resolve("opt/qsvit/runtime/bin/java")));
        assertTrue(Files.notExists(IMAGE_ROOT.resolve("opt/qsvit/runtime/bin/javac")), "no compiler in the image");
    }

    @Test
    void applyEvaluateThroughTheImageEntrypointGivesQsvitEvaluatesNumbers() throws IOException {
        Path setting = EXAMPLES.resolve("settings/sdtv2-qsvit-final.yaml");
        JsonNode run = run(SPECS.resolve("apply-evaluate.yaml"), dir.resolve("work"), Map.of("model_uri", MODEL.toString(),
                "data_uri", DATA.toString(), "setting_uri", setting.toString(), "limit", "" + IMAGES));
        JsonNode direct = applyAndEvaluateDirectly(setting, dir);
        JsonNode metrics = run.at("/tasks/evaluate/artifacts/metrics/metadata");
        assertEquals(IMAGES, metrics.get("images").asInt());
        assertEquals(direct.get("correct").asInt(), metrics.get("correct").asInt());
        assertEquals(direct.get("accuracy").asDouble(), metrics.get("accuracy").asDouble());
        assertEquals(direct.get("agreement").asDouble(), metrics.get("agreement").asDouble());
    }

    /** The five-step pipeline, once its step commands have landed and pipeline-specs/pipeline.yaml is generated. */
    @Test
    void theWholePipelineThroughTheImageEntrypointGivesQsvitEvaluatesNumbers() throws IOException {
        Path spec = SPECS.resolve("pipeline.yaml");
        assumeTrue(Files.isRegularFile(spec), "pipeline.yaml is generated once sensitivity, bounds and explore are merged");
        JsonNode pipeline = PipelineSpecs.read(spec);
        Map<String, String> parameters = new java.util.TreeMap<>(Map.of("model_uri", MODEL.toString(),
                "data_uri", DATA.toString(), "limit", "" + IMAGES, "shards", "2"));
        if (pipeline.at("/root/inputDefinitions/parameters").has("max_drop")) {
            parameters.put("max_drop", "0.02");
        }
        JsonNode run = run(spec, dir.resolve("work"), parameters);
        Path exploration = Path.of(run.at("/tasks/explore/artifacts/exploration/uri").asText());
        JsonNode direct = applyAndEvaluateDirectly(exploration, dir);
        JsonNode metrics = run.at("/tasks/evaluate/artifacts/metrics/metadata");
        assertEquals(direct.get("accuracy").asDouble(), metrics.get("accuracy").asDouble());
        assertTrue(run.at("/tasks/for-loop-1~11~1sensitivity").isObject(), "the second shard ran");
    }
}
