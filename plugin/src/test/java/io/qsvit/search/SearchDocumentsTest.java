package io.qsvit.search;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.Granularity;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The readers of sensitivity.json and bounds.json, on the checked-in fixtures SearchFixtures measured. */
class SearchDocumentsTest {
    static Path fixtures() throws URISyntaxException {
        return Path.of(SearchDocumentsTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
    }

    @Test
    void theFixtureCellsAreRealMeasurementsOfTheModel() throws URISyntaxException {
        SensitivityMatrix matrix = SensitivityMatrix.read(fixtures().resolve("sensitivity"));
        Grouping stages = Grouping.by(Granularity.STAGE);
        assertEquals(stages, matrix.grouping());
        assertEquals(java.util.List.of("stage1", "stage2", "stage3", "stage4", "head"),
                matrix.groups().stream().map(SensitivityMatrix.GroupEntry::name).toList());
        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, 300, 7L);
        ModelLayers layers = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), stages);
        try (TrialEvaluator evaluator = TrialEvaluator.open(layers, data.load(null), EnergyTable.defaults(), 2, 300)) {
            Trial fresh = evaluator.evaluate(new Setting(stages, Scheme.FLOAT32, Map.of("stage4", Scheme.parse("uniform4"))));
            assertEquals(matrix.cells().get("stage4").get("uniform4").correct(), fresh.correct());
        }
        assertEquals(matrix.baseline().accuracy() - matrix.cells().get("stage1").get("uniform4").accuracy(),
                matrix.measuredDrop("stage1", Scheme.parse("uniform4")).orElseThrow(), 0);
        assertEquals(0.0, matrix.measuredDrop("stage1", Scheme.FLOAT32).orElseThrow(), 0);
        assertEquals(java.util.Optional.empty(), matrix.measuredDrop("stage1", Scheme.parse("pow2-4")));
    }

    @Test
    void boundsGiveTheRequirementAndBothBaseSettings() throws URISyntaxException {
        Bounds bounds = Bounds.read(fixtures().resolve("bounds"));
        assertEquals(0.02, bounds.requirement().maxDrop(), 0);
        assertEquals(null, bounds.requirement().targetAccuracy());
        assertEquals(Scheme.parse("uniform8"), bounds.highOf("stage1"));
        assertEquals(Scheme.parse("uniform4"), bounds.lowOf("stage1"));
        assertEquals(Scheme.parse("uniform4"), bounds.highOf("stage3"));
    }

    @Test
    void aDocumentOfAnotherSchemaIsRefused(@TempDir Path dir) throws IOException, URISyntaxException {
        Files.createDirectories(dir.resolve("s"));
        Files.writeString(dir.resolve("s/sensitivity.json"), "{\"schema\": \"qsvit.sensitivity/v2\"}");
        assertEquals(dir.resolve("s/sensitivity.json") + ": schema 'qsvit.sensitivity/v2' is not qsvit.sensitivity/v1",
                assertThrows(UserInputException.class, () -> SensitivityMatrix.read(dir.resolve("s"))).getMessage());
        Path bounds = Files.createDirectories(dir.resolve("b"));
        for (String f : new String[] {Bounds.HIGH_FILE, Bounds.LOW_FILE}) {
            Files.copy(fixtures().resolve("bounds").resolve(f), bounds.resolve(f));
        }
        Files.writeString(bounds.resolve(Bounds.FILE), "{\"schema\": \"qsvit.bounds/v1\"}");
        assertEquals(bounds.resolve(Bounds.FILE) + ": requirement is missing",
                assertThrows(UserInputException.class, () -> Bounds.read(bounds)).getMessage());
        Files.writeString(bounds.resolve(Bounds.FILE), "{\"schema\": ");
        assertEquals(bounds.resolve(Bounds.FILE) + " cannot be read: ",
                assertThrows(UserInputException.class, () -> Bounds.read(bounds)).getMessage().substring(0,
                        (bounds.resolve(Bounds.FILE) + " cannot be read: ").length()));
    }
}
