package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An IDX image/label pair, named the way the MNIST family is distributed: {@code <split>-images-idx3-ubyte[.gz]}
 * and {@code <split>-labels-idx1-ubyte[.gz]}, e.g. Debian's dataset-fashion-mnist under
 * /usr/share/datasets/fashion-mnist (splits {@code train} and {@code t10k}). Grey images [1, height, width];
 * the bytes stay in memory as bytes (a quarter of their float size) and are scaled to [0, 1] as they are read.
 */
public final class IdxDataset implements Dataset {
    public static final String TEST_SPLIT = "t10k";

    private final byte[] pixels;
    private final int[] labels;
    private final SampleShape shape;
    private final String source;

    private IdxDataset(byte[] pixels, int[] labels, SampleShape shape, String source) {
        this.pixels = pixels;
        this.labels = labels;
        this.shape = shape;
        this.source = source;
    }

    public static IdxDataset load(Path folder, String split) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException("data folder not found: " + folder);
        }
        Path images = find(folder, split + "-images-idx3-ubyte");
        Path labels = find(folder, split + "-labels-idx1-ubyte");
        return of(IdxArray.read(images), IdxArray.read(labels), folder + " (" + split + ")");
    }

    /** Grey images from an IDX image array [n, h, w] and an IDX label array [n]. */
    public static IdxDataset of(IdxArray images, IdxArray labels, String source) {
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
        int[] classes = new int[labels.count()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.data()[i] & 0xff;
        }
        return new IdxDataset(images.data(), classes, SampleShape.of(1, images.shape()[1], images.shape()[2]), source);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public SampleShape shape() {
        return shape;
    }

    @Override
    public void read(int index, float[] sample) {
        int size = shape.size();
        int from = index * size;
        for (int p = 0; p < size; p++) {
            sample[p] = (pixels[from + p] & 0xff) / 255.0f;
        }
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    private static Path find(Path folder, String stem) {
        for (String name : new String[] {stem + ".gz", stem}) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new UserInputException("no " + stem + "[.gz] in " + folder);
    }
}
