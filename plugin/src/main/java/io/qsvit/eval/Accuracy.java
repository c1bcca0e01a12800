package io.qsvit.eval;

import io.qsvit.eval.data.LabeledImages;

/** Top-1 accuracy: how many predictions equal the labels. */
public record Accuracy(int correct, int total) {
    public static Accuracy of(int[] predictions, LabeledImages data) {
        if (predictions.length != data.size()) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + data.size() + " images");
        }
        int correct = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] == data.label(i)) {
                correct++;
            }
        }
        return new Accuracy(correct, predictions.length);
    }

    public double value() {
        return total == 0 ? 0 : (double) correct / total;
    }
}
