package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Images with class labels, held as float32 pixels in NCHW order in the model's input scale: the raw-pixel
 * input our models take (normalisation lives inside the model graph). Readers of 8-bit data scale it to
 * [0, 1]; readers of float data (NPY floats, libsvm) pass the values through unchanged.
 */
public final class LabeledImages {
    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;

    public LabeledImages(float[] pixels, int[] labels, int channels, int height, int width) {
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException("pixel count does not match labels x channels x height x width");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Grey-scale images from an IDX image array [n, h, w] and an IDX label array [n]. */
    public static LabeledImages fromIdx(IdxArray images, IdxArray labels, String source) {
        if (images.shape().length != 3) {
            throw new UserInputException(source + ": image file must have 3 dimensions [n, height, width], it has "
                    + Arrays.toString(images.shape()));
        }
        if (labels.shape().length != 1) {
            throw new UserInputException(source + ": label file must have 1 dimension, it has "
                    + Arrays.toString(labels.shape()));
        }
        if (images.count() != labels.count()) {
            throw new UserInputException(source + ": " + images.count() + " images but " + labels.count() + " labels");
        }
        byte[] raw = images.data();
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            pixels[i] = (raw[i] & 0xff) / 255.0f;
        }
        int[] classes = new int[labels.count()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.data()[i] & 0xff;
        }
        return new LabeledImages(pixels, classes, 1, images.shape()[1], images.shape()[2]);
    }

    /** The first {@code n} items, in order (the deterministic subset every step can agree on). */
    public LabeledImages first(int n) {
        if (n < 1 || n > size()) {
            throw new UserInputException("cannot take the first " + n + " of " + size() + " images");
        }
        return new LabeledImages(Arrays.copyOf(pixels, n * imageSize()), Arrays.copyOf(labels, n),
                channels, height, width);
    }

    /** The images at {@code indices}, in that order (subsets, reorderings). */
    public LabeledImages select(int[] indices) {
        int size = imageSize();
        float[] chosenPixels = new float[indices.length * size];
        int[] chosenLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * size, chosenPixels, i * size, size);
            chosenLabels[i] = labels[indices[i]];
        }
        return new LabeledImages(chosenPixels, chosenLabels, channels, height, width);
    }

    public int size() {
        return labels.length;
    }

    public ImageShape shape() {
        return new ImageShape(channels, height, width);
    }

    public int imageSize() {
        return channels * height * width;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int label(int i) {
        return labels[i];
    }

    public int maxLabel() {
        return Arrays.stream(labels).max().orElse(-1);
    }


    /** Copies the pixels of images [from, from + n) into {@code target} starting at its position 0. */
    public void copyPixels(int from, int n, float[] target) {
        System.arraycopy(pixels, from * imageSize(), target, 0, n * imageSize());
    }

    /** Puts the pixels of images [from, from + n) into {@code target} at its position. */
    public void copyPixels(int from, int n, FloatBuffer target) {
        target.put(pixels, from * imageSize(), n * imageSize());
    }
}
