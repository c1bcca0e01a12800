package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.Examples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@code explore --bias-correction}: every candidate is evaluated as {@code apply --bias-correction} builds it, so
 * the chosen setting, applied with bias correction calibrated on the same images, scores what the search measured.
 */
class ExploreBiasCorrectionTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void explore() throws URISyntaxException {
        ExploreCommandTest.fixtures = Path.of(ExploreBiasCorrectionTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        String[] plain = ExploreCommandTest.heterogeneous(dir.resolve("plain"), "--max-drop", "0.03");
        assertEquals(0, QsvitCliTest.run(plain).exit());
        QsvitCliTest.Run corrected = QsvitCliTest.run(ExploreCommandTest.heterogeneous(dir.resolve("corrected"),
                "--max-drop", "0.03", "--bias-correction"));
        assertEquals(0, corrected.exit(), corrected.err());
        QsvitCliTest.Run applied = QsvitCliTest.run("apply", "--model", Examples.model("sdtv2").toString(), "--setting",
                dir.resolve("corrected").resolve("setting.json").toString(), "--bias-correction", "--calibration-data",
                Examples.subset().toString(), "--calibration-limit", "300", "--calibration-seed", "3",
                "--out", dir.resolve("applied").toString());
        assertEquals(0, applied.exit(), applied.err());
        QsvitCliTest.Run evaluated = QsvitCliTest.run("evaluate", "--model", dir.resolve("applied").resolve("simulated")
                .toString(), "--data", Examples.subset().toString(), "--limit", "300", "--seed", "3", "--no-cache",
                "--out", dir.resolve("evaluated").toString());
        assertEquals(0, evaluated.exit(), evaluated.err());
    }

    @Test
    void theChosenSettingAppliedWithBiasCorrectionScoresWhatTheSearchMeasured() throws IOException {
        JsonNode results = ExploreCommandTest.results(dir.resolve("corrected"));
        assertEquals(300, results.at("/bias_correction/calibration_images").asInt());
        JsonNode chosen = results.get("chosen");
        assertEquals(300, chosen.get("images").asInt());
        JsonNode evaluation = ExploreCommandTest.JSON.readTree(dir.resolve("evaluated").resolve("metadata.json").toFile())
                .at("/results/model");
        assertEquals(chosen.get("correct").asInt(), evaluation.get("correct").asInt(), evaluation.toString());
    }

    @Test
    void correctionChangesWhatTheSearchMeasuresAndItsCacheKey() throws IOException {
        JsonNode plain = ExploreCommandTest.JSON.readTree(dir.resolve("plain").resolve("metadata.json").toFile());
        JsonNode corrected = ExploreCommandTest.JSON.readTree(dir.resolve("corrected").resolve("metadata.json").toFile());
        assertNotEquals(plain.get("cache_key").asText(), corrected.get("cache_key").asText());
        assertEquals(true, corrected.at("/parameters/bias_correction").asBoolean());
        // the float model is not corrected: both searches measure it alike
        assertEquals(ExploreCommandTest.trials(dir.resolve("plain")).get(0).get("correct").asInt(),
                ExploreCommandTest.trials(dir.resolve("corrected")).get(0).get("correct").asInt());
    }
}
