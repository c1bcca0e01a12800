package io.qsvit.eval;

import io.qsvit.Examples;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationSessionTest {
    @TempDir
    Path dir;

    @Test
    void firingRatesMatchAHandCount() throws IOException {
        ModelLayers model = ModelLayers.of(OnnxModel.load(
                Files.write(dir.resolve("spiking.onnx"), TestGraphs.spikingClassifier().toByteArray())), Grouping.QSVIT);
        // pixels 0..2 become the hidden spikes (>= 0.5): image 0 fires 2 of 3, image 1 fires 0, image 2 fires 3
        float[] pixels = {0.9f, 0.6f, 0.1f, 0.0f, 0.2f, 0.4f, 0.49f, 1.0f, 0.5f, 0.7f, 1.0f, 0.0f};
        Dataset images = new MemoryDataset(pixels, new int[] {0, 1, 1}, 1, 2, 2);
        try (EvaluationSession session = EvaluationSession.open(model, 1)) {
            EvaluationSession.Outputs out = session.run(images, 2); // two batches: rates must be weighted by size
            Layer enc = model.layers().get(0);
            Layer head = model.layers().get(1);
            assertFalse(session.hasSpikeInput(enc));
            assertTrue(session.hasSpikeInput(head));
            assertEquals(5.0 / 9.0, out.firingRates().get("head.weight"), 1e-7); // float32 means in the graph
            assertEquals(1, out.firingRates().size());
            // image 0 spikes (1,1,0): scores (1, 1); image 2 spikes (1,1,1): scores (2, 2)
            assertArrayEquals(new float[] {1, 1}, out.scores()[0]);
            assertArrayEquals(new float[] {0, 0}, out.scores()[1]);
            assertArrayEquals(new float[] {2, 2}, out.scores()[2]);
        }
    }

    @Test
    void switchingSettingsInOneSessionMatchesTheAppliedSimulatedModel() throws IOException {
        String yaml = "default: uniform4\ngroups: {stage3.block1: pow2-4, head: float32}\n";
        Path setting = Files.writeString(dir.resolve("s.yaml"), yaml);
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("applied"));
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(100);
        float[][] expected;
        try (OnnxClassifier simulated = OnnxClassifier.open(dir.resolve("applied/simulated/model.onnx"), 2)) {
            expected = simulated.scores(images, 50);
        }
        ModelLayers model = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), Grouping.QSVIT);
        try (EvaluationSession session = EvaluationSession.open(model, 2)) {
            float[][] floats = session.run(images, 50).scores();
            session.use(Setting.read(setting));
            float[][] quantized = session.run(images, 50).scores();
            session.use(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32));
            assertArrayEquals(floats[7], session.run(images, 50).scores()[7], "back to float32, same scores");
            double max = 0;
            for (int i = 0; i < expected.length; i++) {
                for (int j = 0; j < expected[i].length; j++) {
                    max = Math.max(max, Math.abs(expected[i][j] - quantized[i][j]));
                }
            }
            assertTrue(max < 1e-4, "max difference " + max);
        }
    }
}
