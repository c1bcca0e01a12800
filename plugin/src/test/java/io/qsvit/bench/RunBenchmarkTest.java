package io.qsvit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run benchmark on a small configuration (search on 120 images, uniform4 only, evaluate on the first
 * 240): both modes run whole, the held-out images are the final ones the search never saw, and the quality line shows
 * what apply wrote.
 */
class RunBenchmarkTest {
    @Test
    void runsBothModesAndReportsEvaluationsStepsAndHeldOutQuality(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("small.yaml"), """
                schema: qsvit.pipeline/v1
                data: {limit: 120, seed: 1}
                batch: 64
                requirement: {max_drop: 0.02}
                sensitivity: {precisions: [uniform4]}
                explore: {strategy: guided}
                evaluate: {limit: 240}
                """);
        StringWriter text = new StringWriter();
        RunBenchmark.run(new RunBenchmark.Options(List.of(Examples.model("sdtv2")), Examples.subset(), config, 2, 1),
                dir.resolve("work"), new PrintWriter(text));
        String report = text.toString();
        Matcher counts = Pattern.compile("final images 240, searched on 120, held out (\\d+);")
                .matcher(report);
        assertTrue(counts.find(), report);
        int heldOut = Integer.parseInt(counts.group(1));
        assertTrue(heldOut > 0 && heldOut <= 240, report);
        for (String mode : List.of("full", "raced")) {
            assertTrue(report.lines().anyMatch(l -> l.matches(String.format(Locale.ROOT,
                    "  %-5s run: median \\d+\\.\\d s = \\d+\\.\\d evaluations of the final images", mode))), report);
        }
        assertTrue(report.lines().anyMatch(l -> l.matches("        steps \\(median s, share\\): sensitivity .* bounds .* explore .* "
                + "apply .* evaluate \\d+\\.\\d \\(\\d+%\\)")), report);
        Path runs = dir.resolve("work").resolve("sdtv2-model.onnx");
        JsonNode applied = new ObjectMapper().readTree(runs.resolve("raced-0/apply/metadata.json").toFile());
        String bits = String.format(Locale.ROOT, "chosen setting: %.3f effective bits, %d stored bytes; held-out (%d images)",
                applied.at("/results/weights/effective_bits").asDouble(), applied.at("/results/weights/storage_bytes").asLong(),
                heldOut);
        assertTrue(report.contains(bits), report);
        JsonNode sens = new ObjectMapper().readTree(runs.resolve("raced-0/sensitivity/sensitivity.json").toFile());
        assertEquals("raced", sens.at("/sweep/mode").asText());
        assertEquals("full", new ObjectMapper().readTree(runs.resolve("full-0/sensitivity/sensitivity.json").toFile())
                .at("/sweep/mode").asText());
        // every step runs with the configuration's batch, as the user's run would (not the benchmark's threads)
        for (String step : List.of("sensitivity", "bounds", "explore", "evaluate")) {
            assertEquals(64, new ObjectMapper().readTree(runs.resolve("raced-0/" + step + "/metadata.json").toFile())
                    .at("/parameters/batch").asInt(), step);
        }
    }
}
