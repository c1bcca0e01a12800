package io.qsvit.eval;

import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnergyEstimateTest {
    @Test
    void spikingLayersCostRateTimesMacsAccumulatesAndTheEncoderFullMacs(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("spiking.onnx"), TestGraphs.spikingClassifier().toByteArray());
        ModelLayers model = ModelLayers.of(OnnxModel.load(file), Grouping.QSVIT);
        // spikes per image: (1,1,0), (0,0,0), (1,1,1): rate 5/9
        float[] pixels = {0.9f, 0.6f, 0.1f, 0.0f, 0.2f, 0.4f, 0.49f, 1.0f, 0.5f, 0.7f, 1.0f, 0.0f};
        Dataset images = new MemoryDataset(pixels, new int[] {0, 1, 1}, 1, 2, 2);
        Map<String, Double> rates;
        try (EvaluationSession session = EvaluationSession.open(model, 1)) {
            rates = session.run(images, 3).firingRates();
        }
        LayerCosts costs = LayerCosts.measure(model);
        EnergyTable table = EnergyTable.defaults();
        // encoder: 4x3 MACs per image at 4.6 pJ; head: 3x2 MACs at rate 5/9, 0.9 pJ each
        EnergyEstimate floats = EnergyEstimate.of(model, Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32), costs, rates, table);
        double rate = rates.get("head.weight");
        assertEquals(5.0 / 9.0, rate, 1e-7);
        assertEquals(12 * 4.6 + rate * 6 * 0.9, floats.totalPj(), 1e-9);
        assertEquals(12, floats.groups().get("enc").macs());
        assertEquals(rate * 6, floats.groups().get("head").sops(), 1e-9);
        EnergyEstimate int8 = EnergyEstimate.of(model, Setting.uniform(Grouping.QSVIT, Scheme.parse("uniform8")), costs, rates, table);
        assertEquals(12 * (0.2 + 0.03) + rate * 6 * 0.03, int8.totalPj(), 1e-9);
    }
}
