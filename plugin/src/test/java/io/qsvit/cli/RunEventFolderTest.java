package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 item 4 for event data: {@code qsvit run} through every step (sensitivity, bounds, explore, apply,
 * evaluate) on an event folder, the bundled simulated DVS recordings, with the event reference model whose input
 * has a time axis; a rerun comes from the cache.
 */
class RunEventFolderTest {
    static final int SAMPLES = 40;

    @TempDir
    Path dir;

    private QsvitCliTest.Run run() {
        return QsvitCliTest.run("run", "--model", Examples.model("spikformer-dvs").toString(),
                "--data", Examples.root().resolve("data/fashion-mnist-dvs-200").toString(),
                "--out", dir.resolve("out").toString(), "--config", dir.resolve("pipeline.yaml").toString(),
                "--cache-dir", dir.resolve("cache").toString());
    }

    private JsonNode metadata(String step) throws IOException {
        return new ObjectMapper().readTree(dir.resolve("out").resolve(step).resolve("metadata.json").toFile());
    }

    @Test
    void everyStepRunsOnAnEventFolderAndAgainFromTheCache() throws IOException {
        Files.writeString(dir.resolve("pipeline.yaml"), "schema: qsvit.pipeline/v1\ndata: {limit: " + SAMPLES
                + ", seed: 1, sensor: 34x34}\nthreads: 2\nrequirement: {max_drop: 0.05}\n"
                + "sensitivity: {precisions: [uniform8, uniform4]}\n");
        QsvitCliTest.Run first = run();
        assertEquals(0, first.exit(), first.err() + first.out());
        for (String step : List.of("sensitivity", "bounds", "explore", "apply", "evaluate")) {
            assertTrue(first.out().lines().anyMatch(l -> l.startsWith(step + " ") && l.contains("computed")),
                    step + ":\n" + first.out());
            if (!step.equals("apply")) {
                assertEquals("34x34", metadata(step).at("/parameters/events/sensor").asText(), step);
            }
        }
        JsonNode evaluate = metadata("evaluate").path("results");
        assertEquals(SAMPLES, evaluate.at("/model/images").asInt());
        assertEquals(SAMPLES, evaluate.at("/baseline/images").asInt());
        assertTrue(evaluate.at("/model/energy/microjoules_per_image").asDouble() > 0, evaluate.toString());
        QsvitCliTest.Run second = run();
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains(", 5 of them from the cache"), second.out());
    }
}
