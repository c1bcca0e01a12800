package io.qsvit.eval;

import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the {@code evaluate} step measures about one model on one dataset, from a single ONNX Runtime
 * pass: accuracy (top-1 with its interval, top-5), Tribuo's classification metrics, firing rates, the energy
 * estimate, the memory of the weights under the model's setting (recorded by {@code apply}, float32 for a
 * plain model), what holding computed tensors in fixed point saturated and zeroed (per computed group, for a model
 * whose setting quantizes them), and the throughput.
 */
public record ModelEvaluation(Setting setting, Accuracy top1, Accuracy top5, int[] predictions,
                              ClassMetrics metrics, Map<String, Double> firingRates, EnergyEstimate energy,
                              MemoryAccount memory, Map<String, ComputedCounts> computed,
                              Map<String, Map<String, ComputedCounts>> computedTensors,
                              Map<String, NeuronStateCost> neuronState,
                              double seconds) {

    public static ModelEvaluation run(OnnxModel model, EvaluationData request, EnergyTable table, int threads, int batch) {
        Setting setting = Setting.recordedIn(model).orElse(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32));
        ModelLayers layers = ModelLayers.of(model, setting.grouping());
        try (EvaluationSession session = EvaluationSession.openFixed(layers, threads, request.events().timeLayout())) {
            Dataset data = request.loadFor(session);
            Dataset images = data;
            long start = System.nanoTime();
            EvaluationSession.Outputs outputs = session.run(images, batch);
            double seconds = (System.nanoTime() - start) / 1e9;
            float[][] scores = outputs.scores();
            ClassMetrics metrics = ClassMetrics.evaluate(data, scores);
            EnergyEstimate energy = EnergyEstimate.of(layers, setting, session.layerCosts(data.shape()),
                    outputs.firingRates(), table);
            Map<String, NeuronStateCost> state = new LinkedHashMap<>();
            Map<String, io.qsvit.quant.ComputedFormat> formats = setting.computedFormats();
            outputs.computed().forEach((group, counts) -> {
                if (group.endsWith(":membrane") && formats.containsKey(group)) {
                    state.put(group, NeuronStateCost.of(formats.get(group), counts, images.size(), table));
                }
            });
            return new ModelEvaluation(setting, Accuracy.topK(scores, images, 1), Accuracy.topK(scores, images, 5),
                    Accuracy.predictions(scores), metrics, byPath(layers, outputs.firingRates()), energy,
                    setting.memory(layers), outputs.computed(), outputs.computedTensors(), state, seconds);
        }
    }

    /** Fraction of images on which two evaluations of the same data predict the same class. */
    public double agreementWith(ModelEvaluation other) {
        int same = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] == other.predictions[i]) {
                same++;
            }
        }
        return (double) same / predictions.length;
    }

    public double imagesPerSecond() {
        return top1.total() / seconds;
    }

    private static Map<String, Double> byPath(ModelLayers layers, Map<String, Double> byTensor) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (Layer layer : layers.layers()) {
            Double rate = byTensor.get(layer.tensorName());
            if (rate != null) {
                rates.put(layer.path(), rate);
            }
        }
        return rates;
    }
}
