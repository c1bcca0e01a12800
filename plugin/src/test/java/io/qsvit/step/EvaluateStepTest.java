package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluateStepTest {
    static final int IMAGES = 400;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path quantized;
    static EvaluateStep.Request request;
    static JsonNode metadata;

    @BeforeAll
    static void evaluateAQuantizedModelAgainstTheFloatOne() throws IOException {
        Path setting = Files.writeString(dir.resolve("setting.yaml"), ApplyStepTest.SDTV2_SETTING);
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("applied"));
        quantized = dir.resolve("applied/simulated");
        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, IMAGES, null);
        request = new EvaluateStep.Request(quantized, Examples.model("sdtv2"), data, null, 100, 2);
        assertEquals(ArtifactFolder.Outcome.WRITTEN, EvaluateStep.run(request, dir.resolve("eval")).outcome());
        metadata = JSON.readTree(dir.resolve("eval/metadata.json").toFile());
    }

    /** Predictions of a model from plain ONNX Runtime, independent of the step's evaluation session. */
    static int[] plainPredictions(Path model, Dataset images) {
        try (OnnxClassifier classifier = OnnxClassifier.open(model, 2)) {
            return Accuracy.predictions(classifier.scores(images, 100));
        }
    }

    @Test
    void accuracyAndAgreementEqualAPlainOnnxRuntimeRun() {
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
        int[] model = plainPredictions(quantized.resolve("model.onnx"), images);
        int[] baseline = plainPredictions(Examples.model("sdtv2"), images);
        int modelCorrect = 0;
        int baselineCorrect = 0;
        int same = 0;
        for (int i = 0; i < IMAGES; i++) {
            modelCorrect += model[i] == images.label(i) ? 1 : 0;
            baselineCorrect += baseline[i] == images.label(i) ? 1 : 0;
            same += model[i] == baseline[i] ? 1 : 0;
        }
        JsonNode results = metadata.get("results");
        assertEquals(modelCorrect, results.at("/model/correct").asInt());
        assertEquals(baselineCorrect, results.at("/baseline/correct").asInt());
        assertEquals((double) same / IMAGES, results.at("/comparison/agreement").asDouble(), 1e-12);
        assertEquals((double) modelCorrect / IMAGES, results.at("/model/accuracy").asDouble(), 1e-12);
        long confusionTotal = 0;
        for (JsonNode row : results.at("/model/confusion_matrix/counts")) {
            for (JsonNode count : row) {
                confusionTotal += count.asLong();
            }
        }
        assertEquals(IMAGES, confusionTotal);
        long diagonal = 0;
        for (int c = 0; c < 10; c++) {
            diagonal += results.at("/model/confusion_matrix/counts/" + c + "/" + c).asLong();
        }
        assertEquals(modelCorrect, diagonal);
    }

    @Test
    void theApplyFolderStandsForItsRealModelAndMeasuresLikeTheSimulatedOne() {
        EvaluateStep.Request real = new EvaluateStep.Request(dir.resolve("applied"), null, request.data(), null, 100, 2);
        EvaluateStep.Result result = EvaluateStep.measure(real);
        JsonNode simulated = metadata.at("/results/model");
        assertEquals(simulated.get("correct").asInt(), result.model().top1().correct());
        assertEquals(simulated.at("/energy/microjoules_per_image").asDouble(), result.model().energy().totalMicrojoules(), 1e-12);
        assertEquals(simulated.at("/memory/storage_bytes").asLong(), result.model().memory().storageBytes());
    }

    @Test
    void costsComeFromTheRecordedSettingAndTheEnergyModel() {
        JsonNode results = metadata.get("results");
        assertEquals("pow2-4", results.at("/model/setting/groups/stage3.block2").asText());
        assertEquals("float32", results.at("/baseline/setting/default").asText());
        assertEquals(32.0, results.at("/baseline/memory/effective_bits").asDouble(), 0);
        double saving = 1 - results.at("/model/memory/storage_bytes").asDouble() / results.at("/baseline/memory/storage_bytes").asDouble();
        assertEquals(saving, results.at("/comparison/weight_memory_saving").asDouble(), 1e-12);
        double modelEnergy = results.at("/model/energy/microjoules_per_image").asDouble();
        double baselineEnergy = results.at("/baseline/energy/microjoules_per_image").asDouble();
        assertTrue(modelEnergy < baselineEnergy / 4, modelEnergy + " vs " + baselineEnergy);
        assertEquals(1 - modelEnergy / baselineEnergy, results.at("/comparison/energy_saving").asDouble(), 1e-9);
        // the float stage3.block1 keeps float accumulates in both
        assertEquals(results.at("/baseline/energy/groups/stage3.block1/microjoules").asDouble(),
                results.at("/model/energy/groups/stage3.block1/microjoules").asDouble(),
                0.2 * results.at("/baseline/energy/groups/stage3.block1/microjoules").asDouble());
        assertEquals(results.at("/model/energy/groups/stage1.downsample/macs").asLong(), 1 * 28 * 28 / 4 * 16 * 9 * 2);
    }

    @Test
    void reportShowsModelAndBaselineSideBySide() throws IOException {
        String report = Files.readString(dir.resolve("eval/report.md"));
        JsonNode results = metadata.get("results");
        String row = String.format(java.util.Locale.ROOT, "| top-1 accuracy | %.4f | %.4f | %+.4f |",
                results.at("/model/accuracy").asDouble(), results.at("/baseline/accuracy").asDouble(),
                results.at("/comparison/accuracy_change").asDouble());
        assertTrue(report.contains(row), report);
        assertTrue(report.contains("| stage3.block2 | pow2-4 | float32 |"), report);
        assertTrue(report.contains(String.format(java.util.Locale.ROOT, "| agreement with baseline | %.4f |",
                results.at("/comparison/agreement").asDouble())), report);
    }

    @Test
    void sameInputsGiveTheSameArtifactAndARerunIsUpToDate() throws IOException {
        assertEquals(ArtifactFolder.Outcome.WRITTEN, EvaluateStep.run(request, dir.resolve("again")).outcome());
        assertEquals(Files.readString(dir.resolve("eval/report.md")), Files.readString(dir.resolve("again/report.md")));
        ObjectNode first = (ObjectNode) metadata.deepCopy();
        ObjectNode second = (ObjectNode) JSON.readTree(dir.resolve("again/metadata.json").toFile());
        first.remove("timings");
        second.remove("timings");
        assertEquals(first, second);
        assertTrue(metadata.at("/timings/model_images_per_second").asDouble() > 0);
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE, EvaluateStep.run(request, dir.resolve("eval")).outcome());
    }
}
