package io.qsvit.eval.data;

import java.util.Arrays;

/** The contents of loaded images as plain arrays, for exact assertions. */
final class TestImages {
    private TestImages() {
    }

    /** All pixels of a data set, in NCHW order. */
    static float[] pixels(Dataset data) {
        int size = data.shape().size();
        float[] pixels = new float[data.size() * size];
        float[] sample = new float[size];
        for (int i = 0; i < data.size(); i++) {
            data.read(i, sample);
            System.arraycopy(sample, 0, pixels, i * size, size);
        }
        return pixels;
    }

    static int[] labels(Dataset data) {
        int[] labels = new int[data.size()];
        Arrays.setAll(labels, data::label);
        return labels;
    }
}
