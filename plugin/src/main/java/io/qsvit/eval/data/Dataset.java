package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.util.List;

/**
 * Labelled samples, each a float tensor of one {@link SampleShape} in the model's input layout. Labels and
 * class names are known up front; sample values are made on demand by {@link #read}, which every reader
 * makes safe to call from several threads at once (so {@link SampleBatches} can decode ahead of ONNX Runtime
 * on worker threads) and deterministic (the same index always gives the same values).
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** Class id (0..K-1) of sample {@code index}. */
    int label(int index);

    /** The shape every sample has. */
    SampleShape shape();

    /** Writes sample {@code index} into {@code sample} (of length {@code shape().size()}); thread-safe. */
    void read(int index, float[] sample);

    /** What the samples come from (a path), for messages and provenance. */
    String source();

    /** Class names in class-id order where the data names its classes (image folders), else empty. */
    default List<String> classNames() {
        return List.of();
    }

    /** The name of class {@code label}, or the id itself where the data has no names. */
    default String className(int label) {
        List<String> names = classNames();
        return label >= 0 && label < names.size() ? names.get(label) : Integer.toString(label);
    }

    /** The largest class id, -1 for no samples. */
    default int maxLabel() {
        int max = -1;
        for (int i = 0; i < size(); i++) {
            max = Math.max(max, label(i));
        }
        return max;
    }

    /** The samples at {@code indices}, in that order (subsets, reorderings); nothing is read. */
    default Dataset select(int[] indices) {
        return new Selection(this, indices);
    }

    /** The first {@code n} samples, in order. */
    default Dataset first(int n) {
        if (n < 1 || n > size()) {
            throw new UserInputException("cannot take the first " + n + " of " + size() + " samples");
        }
        int[] prefix = new int[n];
        for (int i = 0; i < n; i++) {
            prefix[i] = i;
        }
        return select(prefix);
    }
}
