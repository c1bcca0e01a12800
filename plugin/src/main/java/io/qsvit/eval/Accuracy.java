package io.qsvit.eval;

import io.qsvit.eval.data.Dataset;

/** Top-k accuracy: how many images have their label among the k best-scored classes. */
public record Accuracy(int correct, int total) {
    /** The 97.5% quantile of the standard normal distribution, for two-sided 95% intervals. */
    private static final double Z95 = 1.959963984540054;

    /**
     * Top-k from class scores: an image counts when fewer than k classes score strictly higher than its label
     * (a tie with the label does not push it out).
     */
    public static Accuracy topK(float[][] scores, Dataset data, int k) {
        int correct = 0;
        for (int i = 0; i < scores.length; i++) {
            float labelScore = scores[i][data.label(i)];
            int higher = 0;
            for (float s : scores[i]) {
                if (s > labelScore) {
                    higher++;
                }
            }
            if (higher < k) {
                correct++;
            }
        }
        return new Accuracy(correct, scores.length);
    }

    /** The top-scored class of each image (the first one on a tie). */
    public static int[] predictions(float[][] scores) {
        int[] best = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            for (int c = 1; c < scores[i].length; c++) {
                if (scores[i][c] > scores[i][best[i]]) {
                    best[i] = c;
                }
            }
        }
        return best;
    }

    public double value() {
        return total == 0 ? 0 : (double) correct / total;
    }

    /**
     * Wilson score interval at 95% confidence: unlike the normal approximation it stays inside [0, 1] and
     * holds for accuracies near 0 or 1 and for small evaluation sets.
     */
    public double[] interval95() {
        if (total == 0) {
            return new double[] {0, 1};
        }
        double n = total;
        double p = value();
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
