package io.qsvit.eval;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.eval.data.Dataset;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.ConfusionMetrics;
import org.tribuo.classification.evaluation.LabelConfusionMatrix;
import org.tribuo.evaluation.metrics.EvaluationMetric;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.impl.ArrayExample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Classification metrics computed by Tribuo ({@link LabelConfusionMatrix} and {@link ConfusionMetrics}, what its
 * {@code LabelEvaluator} computes them with) from the scores qsvit already computed, handed to Tribuo as
 * {@link Prediction}s over the model's whole class domain. No Tribuo model is built: its evaluator would want
 * one only for its provenance, and wrapping the ONNX model cost a second ONNX Runtime session per evaluation.
 */
public record ClassMetrics(double accuracy, @JsonProperty("macro_f1") double macroF1,
                           @JsonProperty("balanced_error_rate") double balancedErrorRate,
                           @JsonProperty("per_class") List<PerClass> perClass,
                           @JsonProperty("confusion_matrix") ConfusionTable confusion) {

    /** Tribuo warns once per class that no image was predicted as; the per-class table already shows it. */
    private static final Logger TRIBUO_METRICS_LOG = Logger.getLogger("org.tribuo.classification.evaluation");

    static {
        TRIBUO_METRICS_LOG.setLevel(Level.SEVERE);
    }

    public record PerClass(String label, double precision, double recall, double f1, long support) {
    }

    /** Counts: rows are true classes, columns predicted classes, both in {@code labels} order. */
    public record ConfusionTable(List<String> labels, long[][] counts) {
    }

    /** The metrics of {@code scores} (one row per image of {@code data}, one column per class the model scores). */
    public static ClassMetrics evaluate(Dataset data, float[][] scores) {
        int features = data.shape().size();
        int classes = scores[0].length;
        List<Label> labels = new ArrayList<>();
        MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
        for (int c = 0; c < classes; c++) {
            labels.add(new Label(data.className(c)));
            info.observe(labels.get(c));
        }
        ImmutableOutputInfo<Label> domain = info.generateImmutableOutputInfo();
        int[] best = Accuracy.predictions(scores);
        List<Prediction<Label>> predictions = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            predictions.add(prediction(scores[i], best[i], labels, new ArrayExample<>(labels.get(data.label(i))),
                    features));
        }
        return of(new LabelConfusionMatrix(domain, predictions), labels);
    }

    private static Prediction<Label> prediction(float[] scores, int best, List<Label> labels, ArrayExample<Label> example,
                                                int features) {
        // Tribuo's evaluator wants probabilities: the softmax of the class scores, as LabelTransformer makes them
        double max = scores[best];
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        Map<String, Label> all = new LinkedHashMap<>();
        for (int c = 0; c < scores.length; c++) {
            String name = labels.get(c).getLabel();
            all.put(name, new Label(name, Math.exp(scores[c] - max) / sum));
        }
        return new Prediction<>(all.get(labels.get(best).getLabel()), all, features, example, true);
    }

    private static ClassMetrics of(LabelConfusionMatrix matrix, List<Label> labels) {
        List<PerClass> perClass = new ArrayList<>();
        long[][] counts = new long[labels.size()][labels.size()];
        for (int t = 0; t < labels.size(); t++) {
            Label truth = labels.get(t);
            MetricTarget<Label> target = new MetricTarget<>(truth);
            perClass.add(new PerClass(truth.getLabel(), ConfusionMetrics.precision(target, matrix),
                    ConfusionMetrics.recall(target, matrix), ConfusionMetrics.f1(target, matrix),
                    Math.round(matrix.support(truth))));
            for (int p = 0; p < labels.size(); p++) {
                counts[t][p] = Math.round(matrix.confusion(labels.get(p), truth));
            }
        }
        return new ClassMetrics(ConfusionMetrics.accuracy(EvaluationMetric.Average.MICRO, matrix),
                ConfusionMetrics.f1(new MetricTarget<>(EvaluationMetric.Average.MACRO), matrix),
                ConfusionMetrics.balancedErrorRate(matrix), perClass,
                new ConfusionTable(labels.stream().map(Label::getLabel).toList(), counts));
    }
}
