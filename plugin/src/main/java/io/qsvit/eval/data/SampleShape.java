package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.util.Arrays;

/**
 * The shape of one sample, the model input without its batch axis: [channels, height, width] for images,
 * [height, width, channels] for channels-last models, [time, channels, height, width] for event frames.
 */
public final class SampleShape {
    private final int[] dims;

    private SampleShape(int[] dims) {
        this.dims = dims;
    }

    /** A shape of positive dimensions whose product fits one Java array. */
    public static SampleShape of(int... dims) {
        if (dims.length == 0) {
            throw new UserInputException("a sample needs at least one dimension");
        }
        long size = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new UserInputException("sample shape " + text(dims) + " must have positive dimensions");
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new UserInputException("sample shape " + text(dims) + " is too large");
            }
        }
        return new SampleShape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Values in one sample. */
    public int size() {
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        return size;
    }

    /** The tensor shape of {@code n} samples with the batch axis at {@code batchAxis} (0, or 1 for [T, N, ...]). */
    public long[] batchShape(int n, int batchAxis) {
        if (batchAxis < 0 || batchAxis > dims.length) {
            throw new IllegalArgumentException("batch axis " + batchAxis + " outside a rank-" + (dims.length + 1) + " tensor");
        }
        long[] shape = new long[dims.length + 1];
        for (int i = 0, d = 0; i < shape.length; i++) {
            shape[i] = i == batchAxis ? n : dims[d++];
        }
        return shape;
    }

    /** This shape as [channels, height, width], for rank-3 shapes. */
    public ImageShape image() {
        if (dims.length != 3) {
            throw new UserInputException("samples of shape " + this + " are not images [channels, height, width]");
        }
        return new ImageShape(dims[0], dims[1], dims[2]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleShape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Dimensions joined by 'x', e.g. {@code 3x224x224}. */
    @Override
    public String toString() {
        return text(dims);
    }

    private static String text(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return s.toString();
    }
}
