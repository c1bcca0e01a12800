package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled samples held as float32 values in memory, sample after sample: small data made in a program or a
 * test, and the evaluation set of the search steps, which evaluate the same samples for every trial (see
 * {@link #load}).
 */
public final class MemoryDataset implements Dataset {
    private final float[] values;
    private final int[] labels;
    private final SampleShape shape;
    private final List<String> classNames;
    private final String source;

    public MemoryDataset(float[] values, int[] labels, SampleShape shape, List<String> classNames, String source) {
        if ((long) labels.length * shape.size() != values.length) {
            throw new IllegalArgumentException("value count does not match samples x " + shape);
        }
        this.values = values;
        this.labels = labels;
        this.shape = shape;
        this.classNames = List.copyOf(classNames);
        this.source = source;
    }

    /** Images [channels, height, width] with unnamed classes. */
    public MemoryDataset(float[] pixels, int[] labels, int channels, int height, int width) {
        this(pixels, labels, SampleShape.of(channels, height, width), List.of(), "memory");
    }

    /**
     * The samples of {@code data} held in memory when they take at most half the heap, for steps that read
     * them again and again (every trial of a search); else {@code data} itself, read anew each time.
     */
    public static Dataset cached(Dataset data, int workers) {
        long bytes = 4L * data.size() * data.shape().size();
        if (data instanceof MemoryDataset || bytes > Runtime.getRuntime().maxMemory() / 2
                || bytes > 4L * (Integer.MAX_VALUE - 8)) {
            return data;
        }
        return load(data, workers);
    }

    /** Reads every sample of {@code data} into memory, on {@code workers} threads. */
    public static MemoryDataset load(Dataset data, int workers) {
        if (data instanceof MemoryDataset memory) {
            return memory;
        }
        int size = data.shape().size();
        if ((long) data.size() * size > Integer.MAX_VALUE - 8) {
            throw new UserInputException(data.source() + ": " + data.size() + " samples of " + data.shape()
                    + " do not fit in memory at once; take a subset with --limit");
        }
        float[] values = new float[data.size() * size];
        int[] labels = new int[data.size()];
        SampleBatches.forEach(data, workers, (i, sample) -> System.arraycopy(sample, 0, values, i * size, size));
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.label(i);
        }
        return new MemoryDataset(values, labels, data.shape(), data.classNames(), data.source());
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
        System.arraycopy(values, index * shape.size(), sample, 0, shape.size());
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int maxLabel() {
        return Arrays.stream(labels).max().orElse(-1);
    }
}
