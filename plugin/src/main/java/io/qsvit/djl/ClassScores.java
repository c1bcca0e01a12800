package io.qsvit.djl;

import ai.djl.modality.Classifications;
import ai.djl.modality.Output;
import ai.djl.ndarray.NDList;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's class scores as DJL classifications: softmax probabilities (in double, on the host), classes named
 * by their index "0" to "K-1", as qsvit names the classes of unnamed data. The softmax is monotone, so the best
 * class is the arg-max of the scores.
 */
final class ClassScores {
    private ClassScores() {
    }

    static Classifications classify(float[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        List<String> names = new ArrayList<>(scores.length);
        List<Double> probabilities = new ArrayList<>(scores.length);
        for (int c = 0; c < scores.length; c++) {
            names.add(Integer.toString(c));
            probabilities.add(Math.exp(scores[c] - max) / sum);
        }
        return new Classifications(names, probabilities);
    }

    /** A served response: the classifications of a batch item's scores as JSON, best first. */
    static Output response(NDList scores) {
        Output output = new Output();
        output.add(classify(scores.get(0).toFloatArray()));
        output.addProperty("Content-Type", "application/json");
        return output;
    }
}
