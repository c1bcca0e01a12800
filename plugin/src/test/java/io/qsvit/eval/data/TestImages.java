package io.qsvit.eval.data;

import java.util.Arrays;

/** The contents of loaded images as plain arrays, for exact assertions. */
final class TestImages {
    private TestImages() {
    }

    /** All pixels of a data set, in NCHW order. */
    static float[] pixels(LabeledImages data) {
        float[] pixels = new float[data.size() * data.imageSize()];
        data.copyPixels(0, data.size(), pixels);
        return pixels;
    }

    static int[] labels(LabeledImages data) {
        int[] labels = new int[data.size()];
        Arrays.setAll(labels, data::label);
        return labels;
    }
}
