package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.cli.Qsvit;
import io.qsvit.eval.events.EventFiles;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Event data through the Kubeflow components: the committed apply-evaluate pipeline, run by the local runner
 * through each container's command line on an event folder with the event parameters, gives the numbers
 * {@code qsvit evaluate} gives directly for the model {@code apply} wrote.
 */
class EventComponentsTest {
    @TempDir
    Path dir;

    @Test
    void applyEvaluateOnAnEventFolderMatchesTheStepsRunDirectly() throws IOException {
        Path model = Files.write(dir.resolve("model.onnx"), TestGraphs.timeAxisClassifier(true, 3).toByteArray());
        Path events = dir.resolve("events");
        Random random = new Random(9);
        for (int i = 0; i < 16; i++) {
            EventFiles.write(events.resolve("Test/" + i % 2 + "/" + i + ".bin"),
                    EventFiles.nmnist(EventFiles.random(random, 30 + 10 * i, 34, 34, 0, 400)));
        }
        Path setting = Files.writeString(dir.resolve("setting.yaml"), "default: uniform4\n");
        JsonNode run = new LocalRunner(PipelineSpecs.read(Specs.FOLDER.resolve("apply-evaluate.yaml")), dir.resolve("work"),
                Runs.javaMain(Qsvit.class), new PrintWriter(new StringWriter())).run(Map.of("model_uri", model.toString(),
                "data_uri", events.toString(), "setting_uri", setting.toString(), "sensor", "34x34",
                "frames_by", "time", "time_layout", "tnchw"));
        JsonNode metrics = run.at("/tasks/evaluate/artifacts/metrics/metadata");
        assertEquals(16, metrics.get("images").asInt(), run.toString());

        Path quantized = Path.of(run.at("/tasks/apply/artifacts/quantized_model/uri").asText());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Qsvit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("--no-cache",
                "evaluate", "--model", quantized.toString(), "--baseline", model.toString(), "--data", events.toString(),
                "--sensor", "34x34", "--frames-by", "time", "--time-layout", "tnchw", "--json");
        assertEquals(0, exit, err.toString());
        JsonNode direct = new ObjectMapper().readTree(out.toString());
        assertEquals(direct.get("correct").asInt(), metrics.get("correct").asInt());
        assertEquals(direct.get("accuracy").asDouble(), metrics.get("accuracy").asDouble());
        assertEquals(direct.get("agreement").asDouble(), metrics.get("agreement").asDouble());
        assertEquals(direct.get("energy_microjoules_per_image").asDouble(),
                metrics.get("energy_microjoules_per_image").asDouble(), direct.toString());
    }
}
