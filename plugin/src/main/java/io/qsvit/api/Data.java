package io.qsvit.api;

import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which labelled images a step evaluates on: where they are, in what format, and which of them (all, the first
 * N, or N stratified by class with a seed). Two steps given equal data see the same images.
 * <pre>{@code
 * Data data = Data.builder().setPath(Path.of("examples/data/fashion-mnist-2000")).optStratified(500, 1).build();
 * }</pre>
 */
public final class Data {
    /** The formats qsvit reads. */
    public enum Format {
        /** Decided from what the path holds. */
        AUTO,
        /** IDX image and label files ({@code <split>-images-idx3-ubyte[.gz]}, as MNIST and Fashion-MNIST ship). */
        IDX,
        /** NumPy arrays: images ({@code images.npy} or {@code x.npy}) and labels ({@code labels.npy} or {@code y.npy}). */
        NPY,
        /** A libsvm file: pixel features, class ids as labels (Tribuo's format). */
        LIBSVM,
        /** A folder with one sub-folder of image files per class. */
        IMAGES;

        DataFormat internal() {
            return DataFormat.valueOf(name());
        }
    }

    private final Path path;
    private final Format format;
    private final String split;
    private final Integer limit;
    private final Long seed;

    private Data(Builder b) {
        this.path = b.path;
        this.format = b.format;
        this.split = b.split;
        this.limit = b.limit;
        this.seed = b.seed;
    }

    /**
     * All images at a path, format detected.
     *
     * @param path a data file or folder
     * @return the data
     */
    public static Data of(Path path) {
        return builder().setPath(path).build();
    }

    /**
     * A builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    EvaluationData internal() {
        return new EvaluationData(path, format.internal(), split, limit, seed);
    }

    /**
     * Where the images are.
     *
     * @return the file or folder
     */
    public Path path() {
        return path;
    }

    /**
     * Their format.
     *
     * @return the format, {@link Format#AUTO} to detect it
     */
    public Format format() {
        return format;
    }

    /**
     * The IDX split.
     *
     * @return e.g. {@code t10k}
     */
    public String split() {
        return split;
    }

    @Override
    public String toString() {
        return "Data(" + path + ", " + format.name().toLowerCase(Locale.ROOT) + ", "
                + (limit == null ? "all" : seed == null ? "first " + limit : limit + " stratified, seed " + seed) + ")";
    }

    /** Builds {@link Data}. */
    public static final class Builder {
        private Path path;
        private Format format = Format.AUTO;
        private String split = IdxDataset.TEST_SPLIT;
        private Integer limit;
        private Long seed;

        private Builder() {
        }

        /**
         * Sets where the images are (required).
         *
         * @param path a data file or folder
         * @return this builder
         */
        public Builder setPath(Path path) {
            this.path = path;
            return this;
        }

        /**
         * Sets the format (default {@link Format#AUTO}).
         *
         * @param format the format
         * @return this builder
         */
        public Builder optFormat(Format format) {
            this.format = format;
            return this;
        }

        /**
         * Sets the IDX split (default {@code t10k}, the test split).
         *
         * @param split the split's file name prefix
         * @return this builder
         */
        public Builder optSplit(String split) {
            this.split = split;
            return this;
        }

        /**
         * Takes the first {@code count} images only.
         *
         * @param count images, above 0
         * @return this builder
         */
        public Builder optFirst(int count) {
            this.limit = count;
            this.seed = null;
            return this;
        }

        /**
         * Takes {@code count} images stratified by class; the same seed always picks the same images.
         *
         * @param count images, above 0
         * @param seed  the seed of the choice
         * @return this builder
         */
        public Builder optStratified(int count, long seed) {
            this.limit = count;
            this.seed = seed;
            return this;
        }

        /**
         * Builds the data.
         *
         * @return the data
         * @throws IllegalArgumentException without a path or format, with an empty split or a count below 1
         */
        public Data build() {
            Calls.require(path != null, "data need a path (setPath)");
            Calls.require(format != null, "data need a format (optFormat must not be given null)");
            Calls.require(split != null && !split.isBlank(), "data need an IDX split name (optSplit must not be given null or blank)");
            Calls.require(limit == null || limit > 0, "the number of images must be above 0, got " + limit);
            return new Data(this);
        }
    }
}
