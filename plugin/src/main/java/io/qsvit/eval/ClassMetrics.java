package io.qsvit.eval;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.ImageShape;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.ConfusionMatrix;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.interop.onnx.ImageTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Classification metrics from Tribuo's {@link LabelEvaluator}. The model is wrapped as Tribuo's own
 * {@link ONNXExternalModel} (so the evaluation carries Tribuo's model provenance); the predictions are the
 * scores qsvit already computed, handed to Tribuo as {@link Prediction}s rather than recomputed.
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

    public static ClassMetrics evaluate(Path modelFile, String inputName, Dataset data, float[][] scores) {
        Dataset images = data;
        int features = data.shape().size();
        int classes = scores[0].length;
        List<Label> labels = new ArrayList<>();
        Map<Label, Integer> outputs = new HashMap<>();
        for (int c = 0; c < classes; c++) {
            labels.add(new Label(data.className(c)));
            outputs.put(labels.get(c), c);
        }
        Map<String, Integer> featureIds = PixelFeatures.mapping(features);
        LabelFactory factory = new LabelFactory();
        // the Tribuo model owns the options and closes them with itself
        try (ONNXExternalModel<Label> model = ONNXExternalModel.createOnnxModel(factory, featureIds, outputs,
                     transformerShape(data), new LabelTransformer(),
                     new OrtSession.SessionOptions(), modelFile, inputName)) {
            int[] best = Accuracy.predictions(scores);
            List<Prediction<Label>> predictions = new ArrayList<>(scores.length);
            for (int i = 0; i < scores.length; i++) {
                predictions.add(prediction(scores[i], best[i], labels, new ArrayExample<>(labels.get(images.label(i))),
                        features));
            }
            LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, predictions,
                    new SimpleDataSourceProvenance(images.source(), factory));
            return of(evaluation, labels);
        } catch (OrtException e) {
            throw new UserInputException("Tribuo cannot load " + modelFile + " as an ONNX model: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * Tribuo's ImageTransformer, which the wrapped model carries (it is never run here: the scores are given),
     * takes [channels, height, width]; other sample shapes are described to it as one flat row.
     */
    private static ImageTransformer transformerShape(Dataset data) {
        if (data.shape().rank() == 3) {
            ImageShape image = data.shape().image();
            return new ImageTransformer(image.channels(), image.height(), image.width());
        }
        return new ImageTransformer(1, 1, data.shape().size());
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

    private static ClassMetrics of(LabelEvaluation evaluation, List<Label> labels) {
        ConfusionMatrix<Label> matrix = evaluation.getConfusionMatrix();
        List<PerClass> perClass = new ArrayList<>();
        long[][] counts = new long[labels.size()][labels.size()];
        for (int t = 0; t < labels.size(); t++) {
            Label truth = labels.get(t);
            perClass.add(new PerClass(truth.getLabel(), evaluation.precision(truth), evaluation.recall(truth),
                    evaluation.f1(truth), Math.round(matrix.support(truth))));
            for (int p = 0; p < labels.size(); p++) {
                counts[t][p] = Math.round(matrix.confusion(labels.get(p), truth));
            }
        }
        return new ClassMetrics(evaluation.accuracy(), evaluation.macroAveragedF1(), evaluation.balancedErrorRate(),
                perClass, new ConfusionTable(labels.stream().map(Label::getLabel).toList(), counts));
    }
}
