package io.qsvit.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.eval.ModelEvaluation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What {@code evaluate} measured about one model on the data.
 *
 * @param setting                  the setting the model carries ({@code apply} records it; float32 for a plain model)
 * @param images                   images evaluated
 * @param correct                  images classified right (top-1)
 * @param accuracy                 top-1 accuracy
 * @param accuracyLow              lower end of its 95% (Wilson) interval
 * @param accuracyHigh             upper end of its 95% (Wilson) interval
 * @param top5Accuracy             top-5 accuracy
 * @param macroF1                  Tribuo's macro-averaged F1
 * @param effectiveBits            mean bits per weight
 * @param storageBytes             bytes of the weights as the setting stores them
 * @param energyMicrojoulesPerImage the energy estimate per image
 * @param predictions              the predicted class of each image, in the data's order; empty when the
 *                                 evaluation was restored from the cache or found up to date (the artifact does
 *                                 not store per-image predictions)
 */
public record Evaluation(Setting setting, int images, int correct, double accuracy, double accuracyLow,
                         double accuracyHigh, double top5Accuracy, double macroF1, double effectiveBits,
                         long storageBytes, double energyMicrojoulesPerImage, List<Integer> predictions) {
    /**
     * Copies the predictions.
     *
     * @param setting                  the setting the model carries
     * @param images                   images evaluated
     * @param correct                  images classified right (top-1)
     * @param accuracy                 top-1 accuracy
     * @param accuracyLow              lower end of its 95% interval
     * @param accuracyHigh             upper end of its 95% interval
     * @param top5Accuracy             top-5 accuracy
     * @param macroF1                  macro-averaged F1
     * @param effectiveBits            mean bits per weight
     * @param storageBytes             bytes of the weights
     * @param energyMicrojoulesPerImage the energy estimate per image
     * @param predictions              predicted classes, or empty
     */
    public Evaluation {
        predictions = List.copyOf(predictions);
    }

    static Evaluation of(ModelEvaluation e) {
        double[] interval = e.top1().interval95();
        return new Evaluation(Setting.of(e.setting()), e.top1().total(), e.top1().correct(), e.top1().value(),
                interval[0], interval[1], e.top5().value(), e.metrics().macroF1(), e.memory().effectiveBits(),
                e.memory().storageBytes(), e.energy().totalMicrojoules(),
                Collections.unmodifiableList(Arrays.stream(e.predictions()).boxed().toList()));
    }

    /** From the summary {@code evaluate} publishes in its metadata's results. */
    static Evaluation of(JsonNode summary, String where) {
        io.qsvit.quant.Setting setting = io.qsvit.quant.Setting.parse(summary.path("setting").toString(), where + " setting");
        return new Evaluation(Setting.of(setting), summary.path("images").asInt(), summary.path("correct").asInt(),
                summary.path("accuracy").asDouble(), summary.path("accuracy_interval95").path(0).asDouble(),
                summary.path("accuracy_interval95").path(1).asDouble(), summary.path("top5_accuracy").asDouble(),
                summary.path("macro_f1").asDouble(), summary.at("/memory/effective_bits").asDouble(),
                summary.at("/memory/storage_bytes").asLong(), summary.at("/energy/microjoules_per_image").asDouble(),
                List.of());
    }
}
