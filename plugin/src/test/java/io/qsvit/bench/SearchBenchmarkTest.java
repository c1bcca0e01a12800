package io.qsvit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search benchmark on 300 bundled images: both strategies run, and the table shows what they wrote. */
class SearchBenchmarkTest {
    @Test
    void printsBothStrategiesSideBySideFromTheirOutputs(@TempDir Path dir) throws URISyntaxException, IOException {
        Path fixtures = Path.of(SearchBenchmarkTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        StringWriter text = new StringWriter();
        SearchBenchmark.run(new SearchBenchmark.Options(Examples.model("sdtv2"), Examples.subset(), fixtures.resolve("bounds"),
                fixtures.resolve("sensitivity"), 0.02, 300, 2, io.qsvit.search.Objective.parse("stored_bytes")), dir,
                new PrintWriter(text));
        String table = text.toString();
        ObjectMapper json = new ObjectMapper();
        JsonNode guided = json.readTree(dir.resolve("guided/metadata.json").toFile()).get("results");
        JsonNode heterogeneous = json.readTree(dir.resolve("heterogeneous/metadata.json").toFile()).get("results");
        String images = String.format(Locale.ROOT, "%-26s %-24s %s", "images evaluated",
                guided.get("images_evaluated").asLong(), heterogeneous.get("images_evaluated").asLong());
        assertTrue(table.contains(images), table);
        String accuracy = String.format(Locale.ROOT, "%-26s %-24s %s", "accuracy (all images)",
                String.format(Locale.ROOT, "%.4f (%d/300)", guided.at("/chosen/accuracy").asDouble(), guided.at("/chosen/correct").asInt()),
                String.format(Locale.ROOT, "%.4f (%d/300)", heterogeneous.at("/chosen/accuracy").asDouble(),
                        heterogeneous.at("/chosen/correct").asInt()));
        assertTrue(table.contains(accuracy), table);
        assertTrue(table.contains(String.format(Locale.ROOT, "%-26s %-24s %s", "requirement met", "true", "true")), table);
        // compared on the objective heterogeneous minimised: the ratio of stored bytes (fractions of float's)
        double ratio = (1 - heterogeneous.at("/chosen/storage_saving_vs_float32").asDouble())
                / (1 - guided.at("/chosen/storage_saving_vs_float32").asDouble());
        assertTrue(table.contains(String.format(Locale.ROOT, "stored_bytes %.4f (goal < 1)", ratio)), table);
        assertEquals("stored_bytes", heterogeneous.get("objective").asText());
        assertEquals("stored_bytes", guided.get("objective").asText());
        // guided as the paper runs it: every trial on all 300 images
        assertTrue(guided.get("images_evaluated").asLong() % 300 == 0);
    }
}
