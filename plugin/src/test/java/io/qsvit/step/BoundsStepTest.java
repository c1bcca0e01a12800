package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Group;
import io.qsvit.model.GroupKind;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.search.BoundsReport;
import io.qsvit.search.PrecisionBounds;
import io.qsvit.search.Requirement;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Shard;
import io.qsvit.search.Trial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Bounds from a hand-made matrix for the real SDTv2-style model: each group's row is built to exercise one part
 * of the rule, with accuracies given as image counts relative to the float model's (200 images, so one image
 * is half a point). Requirement: at most one point below float, tolerances 0 and 5 points, so a group's high
 * bound needs at least B - 2 images right, its low bound B - 12.
 */
class BoundsStepTest {
    static final int IMAGES = 200;
    static final List<Scheme> PRECISIONS = List.of(Scheme.parse("uniform16"), Scheme.parse("uniform12"),
            Scheme.parse("uniform8"), Scheme.parse("uniform4"), Scheme.parse("pow2-4"));
    /** group -> correct images minus the float model's, per precision above. */
    static final Map<String, int[]> ROWS = new LinkedHashMap<>();
    /** group -> expected {high, low}. */
    static final Map<String, String[]> EXPECTED = new LinkedHashMap<>();

    static {
        row("stage1.downsample", new int[] {0, 0, 0, -1, -40}, "uniform4", "uniform4");
        row("stage1.block1", new int[] {0, 0, -3, 0, 0}, "uniform12", "uniform4");      // stops at the first miss
        row("stage2.downsample", new int[] {-3, -3, -3, -3, -3}, "float32", "uniform4"); // misses from the top
        row("stage2.block1", new int[] {0, 0, 0, -8, -5}, "uniform8", "pow2-4");         // best of the 4-bit level
        row("stage3.downsample", new int[] {0, 0, 0, -20, -20}, "uniform8", "uniform8");
        row("stage3.block1", new int[] {0, 0, 0, -2, -30}, "uniform4", "uniform4");      // exactly on the threshold
        row("stage3.block2", new int[] {-13, -13, -13, -13, -13}, "float32", "float32");
        row("stage4.downsample", new int[] {0, 0, -12, -12, -13}, "uniform12", "uniform4");
        row("stage4.block1", new int[] {0, 0, 0, 0, 0}, "uniform4", "uniform4");         // a tie goes to the first listed
        row("head", new int[] {1, 1, 1, 1, 2}, "pow2-4", "pow2-4");
    }

    static void row(String group, int[] offsets, String high, String low) {
        ROWS.put(group, offsets);
        EXPECTED.put(group, new String[] {high, low});
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path sensitivity;
    static int floatCorrect;
    static BoundsStep.Result result;

    @TempDir
    Path own;

    static EvaluationData data(int images) {
        return new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, images, null);
    }

    static BoundsStep.Request request(Path sensitivity, EvaluationData data, Requirement requirement) {
        return new BoundsStep.Request(sensitivity, Examples.model("sdtv2"), data, requirement, 100, 2);
    }

    static Requirement maxDrop(double drop) {
        return new Requirement(drop, null, Requirement.DEFAULT_TOLERANCE_HIGH, Requirement.DEFAULT_TOLERANCE_LOW);
    }

    static Trial trial(Setting setting, int correct) {
        return new Trial(setting, IMAGES, correct, correct / (double) IMAGES, new double[] {0, 1}, 32, 0, 0);
    }

    /** Publishes a hand-made matrix as if sensitivity had measured it on the first 200 images. */
    static Path handMade(Path folder, Shard shard) {
        OnnxModel model = OnnxModel.load(Examples.model("sdtv2"));
        List<SensitivityMatrix.GroupEntry> groups = new ArrayList<>();
        for (Group g : ModelLayers.of(model, Grouping.QSVIT).groups()) {
            groups.add(new SensitivityMatrix.GroupEntry(g.name(), g.kind(), g.params()));
        }
        Map<String, Map<String, Trial>> cells = new LinkedHashMap<>();
        ROWS.forEach((group, offsets) -> {
            Map<String, Trial> row = new LinkedHashMap<>();
            for (int i = 0; i < PRECISIONS.size(); i++) {
                Setting alone = new Setting(Grouping.QSVIT, Scheme.FLOAT32, Map.of(group, PRECISIONS.get(i)));
                row.put(PRECISIONS.get(i).id(), trial(alone, floatCorrect + offsets[i]));
            }
            cells.put(group, row);
        });
        SensitivityMatrix matrix = SensitivityMatrix.of(shard, Grouping.QSVIT, PRECISIONS,
                trial(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32), floatCorrect), groups, cells);
        SensitivityStep.Request swept = new SensitivityStep.Request(Examples.model("sdtv2"), data(IMAGES), PRECISIONS,
                Grouping.QSVIT, shard, 100, 2);
        ArtifactFolder.publish(folder, SensitivityStep.context(swept, model, EnergyTable.defaults()),
                (out, timings) -> SensitivityFiles.write(out, matrix));
        return folder;
    }

    @BeforeAll
    static void boundsOfTheHandMadeMatrix() {
        floatCorrect = SensitivityStepTest.correctOf(Examples.model("sdtv2"), images(IMAGES));
        sensitivity = handMade(dir.resolve("sensitivity"), null);
        result = BoundsStep.run(request(sensitivity, data(IMAGES), maxDrop(0.01)), dir.resolve("bounds"));
        assertEquals(ArtifactFolder.Outcome.WRITTEN, result.outcome());
    }

    static Dataset images(int n) {
        return IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(n);
    }

    /** Equal bounds make one setting: evaluated once, both bases report that trial; unequal ones, twice. */
    @Test
    void equalBoundsAreEvaluatedOnce() {
        Map<String, Map<String, Trial>> lossless = new LinkedHashMap<>();
        Map<String, Map<String, Trial>> handMade = new LinkedHashMap<>();
        List<SensitivityMatrix.GroupEntry> groups = new ArrayList<>();
        ROWS.forEach((group, offsets) -> {
            groups.add(new SensitivityMatrix.GroupEntry(group, GroupKind.OTHER, 1000));
            Map<String, Trial> same = new LinkedHashMap<>();
            Map<String, Trial> own = new LinkedHashMap<>();
            for (int i = 0; i < PRECISIONS.size(); i++) {
                Setting alone = new Setting(Grouping.QSVIT, Scheme.FLOAT32, Map.of(group, PRECISIONS.get(i)));
                same.put(PRECISIONS.get(i).id(), trial(alone, 150));
                own.put(PRECISIONS.get(i).id(), trial(alone, 150 + offsets[i]));
            }
            lossless.put(group, same);
            handMade.put(group, own);
        });
        Trial baseline = trial(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32), 150);
        for (boolean equal : new boolean[] {true, false}) {
            SensitivityMatrix matrix = SensitivityMatrix.of(null, Grouping.QSVIT, PRECISIONS, baseline, groups,
                    equal ? lossless : handMade);
            List<Setting> evaluated = new ArrayList<>();
            BoundsReport report = BoundsStep.bounds(matrix, maxDrop(0.01), baseline, setting -> {
                evaluated.add(setting);
                return trial(setting, 149 - evaluated.size());
            });
            assertEquals(equal ? 1 : 2, evaluated.size());
            assertEquals(evaluated.get(0), report.high().trial().setting());
            assertEquals(evaluated.get(evaluated.size() - 1), report.low().trial().setting());
            assertEquals(equal ? 148 : 147, report.low().trial().correct());
        }
    }

    @Test
    void eachGroupGetsTheBoundsTheRuleGives() {
        Map<String, String[]> picked = new LinkedHashMap<>();
        result.report().groups().forEach((group, b) -> picked.put(group, new String[] {b.high().id(), b.low().id()}));
        assertEquals(EXPECTED.keySet(), picked.keySet());
        EXPECTED.forEach((group, bounds) -> assertEquals(List.of(bounds), List.of(picked.get(group)), group));
    }

    @Test
    void theRequirementIsRecordedWithItsThresholds() {
        BoundsReport.Applied r = result.report().requirement();
        double base = floatCorrect / (double) IMAGES;
        assertEquals(base, r.baselineAccuracy(), 0);
        assertEquals(0.01, r.maxDrop(), 0);
        assertNull(r.targetAccuracy());
        assertEquals(base - 0.01, r.requiredAccuracy(), 1e-12);
        assertEquals(base - 0.01, r.highThreshold(), 1e-12);
        assertEquals(base - 0.06, r.lowThreshold(), 1e-12);
    }

    @Test
    void baseSettingsAreWrittenAndTheirTrialsEqualAnIndependentEvaluation() throws IOException {
        Setting high = Setting.read(dir.resolve("bounds").resolve(BoundsStep.SETTING_HIGH));
        Setting low = Setting.read(dir.resolve("bounds").resolve(BoundsStep.SETTING_LOW));
        EXPECTED.forEach((group, bounds) -> {
            assertEquals(bounds[0], high.schemeOf(group).id(), group);
            assertEquals(bounds[1], low.schemeOf(group).id(), group);
        });
        assertEquals(JSON.valueToTree(high), JSON.valueToTree(result.report().high().trial().setting()));
        ApplyStep.run(Examples.model("sdtv2"), dir.resolve("bounds").resolve(BoundsStep.SETTING_HIGH), own.resolve("high"));
        int highCorrect = SensitivityStepTest.correctOf(own.resolve("high/simulated/model.onnx"), images(IMAGES));
        assertEquals(highCorrect, result.report().high().trial().correct());
        double required = result.report().requirement().requiredAccuracy();
        assertEquals(highCorrect / (double) IMAGES >= required - 1e-9, result.report().high().meetsRequirement());
        assertEquals(result.report().low().trial().accuracy() >= required - 1e-9, result.report().low().meetsRequirement());
    }

    @Test
    void metadataRecordsInputsAndResults() throws IOException {
        JsonNode metadata = JSON.readTree(dir.resolve("bounds/metadata.json").toFile());
        assertEquals("bounds", metadata.get("step").asText());
        assertEquals(0.01, metadata.at("/parameters/max_drop").asDouble(), 0);
        assertEquals(IMAGES, metadata.at("/parameters/limit").asInt());
        JsonNode swept = JSON.readTree(sensitivity.resolve("metadata.json").toFile());
        assertEquals(swept.at("/inputs/model").asText(), metadata.at("/inputs/model").asText());
        assertEquals(swept.at("/outputs/sensitivity.json").asText(), metadata.at("/inputs/sensitivity").asText());
        assertEquals(result.report().low().trial().accuracy(), metadata.at("/results/low_accuracy").asDouble(), 0);
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE,
                BoundsStep.run(request(sensitivity, data(IMAGES), maxDrop(0.01)), dir.resolve("bounds")).outcome());
    }

    @Test
    void onOtherImagesTheFloatModelIsMeasuredThereAndTheAllowedDropKept() {
        BoundsReport report = BoundsStep.run(request(sensitivity, data(100), maxDrop(0.01)), own.resolve("b")).report();
        assertEquals(SensitivityStepTest.correctOf(Examples.model("sdtv2"), images(100)) / 100.0,
                report.requirement().baselineAccuracy(), 0);
        assertEquals(floatCorrect / (double) IMAGES - 0.01, report.requirement().highThreshold(), 1e-12);
        assertEquals(100, report.high().trial().images());
        assertEquals(result.report().groups(), report.groups());
    }

    @Test
    void anImpossibleTargetIsRefusedNamingTheFloatAccuracyAndNothingIsWritten() {
        Path out = own.resolve("b");
        Requirement target = new Requirement(null, 0.95, 0, 0.05);
        UserInputException e = assertThrows(UserInputException.class,
                () -> BoundsStep.run(request(sensitivity, data(IMAGES), target), out));
        assertEquals(String.format(java.util.Locale.ROOT, "target accuracy 0.9500 cannot be met: the float model itself "
                + "reaches %.4f (%d of 200 images)", floatCorrect / 200.0, floatCorrect), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void badSensitivityFoldersAreRefused() {
        Path out = own.resolve("b");
        Path missing = own.resolve("nothing");
        assertEquals("sensitivity folder not found: " + missing, assertThrows(UserInputException.class,
                () -> BoundsStep.run(request(missing, data(IMAGES), maxDrop(0.01)), out)).getMessage());
        Path shard = handMade(own.resolve("shard"), new Shard(1, 2));
        assertEquals(shard + " is shard 1/2 of a sensitivity sweep; merge the shards first (qsvit sensitivity-merge)",
                assertThrows(UserInputException.class, () -> BoundsStep.run(request(shard, data(IMAGES), maxDrop(0.01)), out)).getMessage());
        BoundsStep.Request otherModel = new BoundsStep.Request(sensitivity, Examples.model("spikformer"), data(IMAGES), maxDrop(0.01), 100, 2);
        assertEquals("the sensitivity matrix in " + sensitivity + " was measured on another model than " + Examples.model("spikformer"),
                assertThrows(UserInputException.class, () -> BoundsStep.run(otherModel, out)).getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void theRuleAloneOnTheSameMatrix() {
        SensitivityMatrix matrix = SensitivityMatrix.read(sensitivity);
        double required = floatCorrect / (double) IMAGES - 0.01;
        PrecisionBounds bounds = PrecisionBounds.of(matrix, required, required - 0.05);
        assertEquals(result.report().groups(), bounds.groups());
        // a looser high threshold moves stage1.block1 past its 8-bit miss
        assertEquals("uniform4", PrecisionBounds.of(matrix, required - 0.01, required - 0.05).groups().get("stage1.block1").high().id());
    }
}
