package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.EveryFormat;
import io.qsvit.Examples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 item 4: {@code qsvit run} through every step (sensitivity, bounds, explore, apply, evaluate) once per
 * data format, on the same 40 Fashion-MNIST test images written as IDX, NPY, libsvm and an image folder. The
 * four carry the same pixel values, so every step must reach the same numbers whatever the format; explore
 * used to fail on libsvm and image folders ("libsvm data needs the image shape").
 */
class RunEveryFormatTest {
    private static final int IMAGES = 40;

    @TempDir
    static Path dir;

    static Map<String, Path> formats = new LinkedHashMap<>();

    @BeforeAll
    static void writeTheSameImagesInEveryFormat() throws IOException {
        formats = EveryFormat.write(dir, IMAGES);
        Files.writeString(dir.resolve("pipeline.yaml"), "schema: qsvit.pipeline/v1\ndata: {limit: " + IMAGES + "}\n"
                + "threads: 2\nrequirement: {max_drop: 0.05}\nsensitivity: {precisions: [uniform8, uniform4]}\n");
    }

    private static JsonNode metadata(Path out, String step) throws IOException {
        return new ObjectMapper().readTree(out.resolve(step).resolve("metadata.json").toFile());
    }

    @Test
    void everyStepRunsOnEveryFormatWithTheSameResults() throws IOException {
        Map<String, List<Object>> results = new LinkedHashMap<>();
        for (Map.Entry<String, Path> format : formats.entrySet()) {
            Path out = dir.resolve("out-" + format.getKey());
            QsvitCliTest.Run run = QsvitCliTest.run("run", "--model", Examples.model("sdtv2").toString(),
                    "--data", format.getValue().toString(), "--out", out.toString(),
                    "--config", dir.resolve("pipeline.yaml").toString(),
                    "--cache-dir", dir.resolve("cache-" + format.getKey()).toString());
            assertEquals(0, run.exit(), format.getKey() + ": " + run.err() + run.out());
            for (String step : List.of("sensitivity", "bounds", "explore", "apply", "evaluate")) {
                assertTrue(run.out().lines().anyMatch(l -> l.startsWith(step + " ") && l.contains("computed")),
                        format.getKey() + " " + step + ":\n" + run.out());
            }
            JsonNode evaluate = metadata(out, "evaluate").path("results");
            assertEquals(IMAGES, evaluate.at("/model/images").asInt(), format.getKey());
            results.put(format.getKey(), List.of(
                    metadata(out, "sensitivity").path("results").toString(),
                    metadata(out, "explore").at("/results/chosen/setting").toString(),
                    evaluate.at("/model/accuracy").asDouble(),
                    evaluate.at("/baseline/accuracy").asDouble()));
        }
        List<Object> idx = results.get("idx");
        results.forEach((format, values) -> assertEquals(idx, values, format + " differs from idx"));
    }
}
