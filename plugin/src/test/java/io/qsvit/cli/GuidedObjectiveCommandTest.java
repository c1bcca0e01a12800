package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code explore --strategy guided --objective stored_bytes}: from a high bound of uniform16 everywhere down to
 * the fixtures' low bound (uniform4), QSViT's ladder 16 -> 12 -> 8 -> 4 has a rung (12) that stores no fewer
 * bytes than 16; under the objective guided never spends accuracy on it. Same 300 images as
 * {@link ExploreCommandTest}.
 */
class GuidedObjectiveCommandTest {
    @TempDir
    static Path dir;
    static Path bounds;

    @BeforeAll
    static void explore() throws URISyntaxException, IOException {
        Path fixtures = Path.of(GuidedObjectiveCommandTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        ExploreCommandTest.fixtures = fixtures;
        bounds = Files.createDirectories(dir.resolve("bounds16"));
        for (String file : List.of("bounds.json", "setting-low.json")) {
            Files.copy(fixtures.resolve("bounds").resolve(file), bounds.resolve(file));
        }
        Files.writeString(bounds.resolve("setting-high.json"), Files.readString(fixtures.resolve("bounds/setting-high.json"))
                .replace("uniform8", "uniform16").replace("uniform4", "uniform16"));
        assertEquals(0, QsvitCliTest.run(guided(dir.resolve("plain"))).exit());
        assertEquals(0, QsvitCliTest.run(guided(dir.resolve("stored"), "--objective", "stored_bytes")).exit());
    }

    static String[] guided(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(ExploreCommandTest.args("guided", out, more)));
        args.set(args.indexOf("--bounds") + 1, bounds.toString());
        return args.toArray(String[]::new);
    }

    static List<JsonNode> accepted(Path out) throws IOException {
        return ExploreCommandTest.trials(out).stream().filter(t -> t.get("verdict").asText().equals("accepted")).toList();
    }

    static boolean anyGroupAt(JsonNode trial, String scheme) {
        for (JsonNode s : trial.at("/setting/groups")) {
            if (s.asText().equals(scheme)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void underStoredBytesGuidedSpendsAccuracyOnlyOnMovesThatStoreFewerBytes() throws IOException {
        List<JsonNode> plain = ExploreCommandTest.trials(dir.resolve("plain"));
        List<JsonNode> stored = ExploreCommandTest.trials(dir.resolve("stored"));
        assertTrue(plain.stream().anyMatch(t -> anyGroupAt(t, "uniform12")), "QSViT's ladder visits uniform12");
        assertFalse(stored.stream().anyMatch(t -> anyGroupAt(t, "uniform12")), "no trial under the objective does");
        // every kept move lowers the stored bytes
        List<JsonNode> kept = accepted(dir.resolve("stored"));
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(kept.get(i).get("storage_bytes").asLong() < kept.get(i - 1).get("storage_bytes").asLong(),
                    kept.get(i).toString());
        }
        JsonNode a = ExploreCommandTest.results(dir.resolve("plain"));
        JsonNode b = ExploreCommandTest.results(dir.resolve("stored"));
        assertFalse(a.has("objective"));
        assertEquals("stored_bytes", b.get("objective").asText());
        assertTrue(b.get("requirement_met").asBoolean());
        assertTrue(b.get("trials").asInt() < a.get("trials").asInt(), a.get("trials") + " vs " + b.get("trials"));
        assertTrue(b.at("/chosen/storage_bytes").asLong() <= a.at("/chosen/storage_bytes").asLong(),
                b.at("/chosen/storage_bytes") + " vs " + a.at("/chosen/storage_bytes"));
        JsonNode metadata = ExploreCommandTest.JSON.readTree(dir.resolve("stored/metadata.json").toFile());
        assertEquals("stored_bytes", metadata.at("/parameters/objective").asText());
        assertNotEquals(ExploreCommandTest.JSON.readTree(dir.resolve("plain/metadata.json").toFile()).get("cache_key"),
                metadata.get("cache_key"));
    }
}
