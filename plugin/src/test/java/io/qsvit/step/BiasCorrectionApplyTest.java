package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.quant.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * apply --bias-correction on the SDTv2 reference model: the real model's logits equal the simulated model's bit for
 * bit with the corrected biases (split integer layers included), the correction changes the logits, the metadata
 * records it with the calibration data's digest, and the cache keys differ; a second run writes the same bytes. About 20 s on a 2-core machine.
 */
class BiasCorrectionApplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Dataset images;

    @BeforeAll
    static void load() {
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform4", "pow2-3"})
    void correctedRealModelEqualsSimulatedAndIsRecorded(String scheme) throws IOException {
        Path setting = Files.writeString(dir.resolve(scheme + ".yaml"), "default: " + scheme + "\n");
        Path plain = dir.resolve(scheme + "-plain");
        Path corrected = dir.resolve(scheme + "-corrected");
        EvaluationData calibration = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT,
                100, 0L);
        ApplyStep.run(Examples.model("sdtv2"), setting, plain, false, Preprocessing.NONE, Runtime.ORT_CPU);
        ApplyStep.run(Examples.model("sdtv2"), setting, corrected, false, Preprocessing.NONE, Runtime.ORT_CPU, calibration);

        Path again = dir.resolve(scheme + "-again");
        ApplyStep.run(Examples.model("sdtv2"), setting, again, false, Preprocessing.NONE, Runtime.ORT_CPU, calibration);
        for (String form : new String[] {ApplyStep.SIMULATED, ApplyStep.REAL}) {
            assertArrayEquals(Files.readAllBytes(corrected.resolve(form).resolve("model.onnx")),
                    Files.readAllBytes(again.resolve(form).resolve("model.onnx")), "deterministic: " + form);
        }
        float[][] simulated = scores(corrected.resolve(ApplyStep.SIMULATED));
        float[][] real = scores(corrected.resolve(ApplyStep.REAL));
        assertEquals(0.0, RuntimeFormsTest.maxRelativeDifference(simulated, real), "simulated == real, bit for bit");
        double moved = RuntimeFormsTest.maxRelativeDifference(scores(plain.resolve(ApplyStep.REAL)), real);
        assertTrue(moved > 1e-4, "the corrected biases change the logits: " + moved);

        assertEquals(java.util.List.of("metadata.json", "setting.json"), io.qsvit.Schemas.assertValidArtifact(corrected));
        JsonNode meta = JSON.readTree(corrected.resolve("metadata.json").toFile());
        JsonNode plainMeta = JSON.readTree(plain.resolve("metadata.json").toFile());
        assertTrue(meta.at("/parameters/bias_correction").asBoolean());
        assertEquals(100, meta.at("/parameters/calibration/limit").asInt());
        assertEquals("stratified", meta.at("/parameters/calibration/subset").asText());
        assertEquals(calibration.digest(), meta.at("/inputs/calibration_data").asText());
        assertEquals(calibration.digest(), meta.at("/results/bias_correction/calibration_data_digest").asText());
        assertTrue(meta.at("/results/bias_correction/corrected_layers").asInt() >= 30, meta.at("/results/bias_correction").toString());
        assertTrue(meta.at("/results/runtime/forms/integer").asInt() >= 1, "split layers take the corrected bias too");
        assertFalse(plainMeta.at("/results/bias_correction/enabled").asBoolean());
        assertTrue(plainMeta.at("/parameters/bias_correction").isMissingNode(), "earlier cache keys stay valid");
        assertNotEquals(plainMeta.get("cache_key").asText(), meta.get("cache_key").asText());
    }

    private static float[][] scores(Path model) {
        try (OnnxClassifier classifier = OnnxClassifier.open(model.resolve("model.onnx"), 2)) {
            return classifier.scores(images, 100);
        }
    }
}
