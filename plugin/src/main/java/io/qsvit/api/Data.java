package io.qsvit.api;

import io.qsvit.UserInputException;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.image.Preprocessing;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which labelled samples a step evaluates on: where they are, in what format, which of them (all, the first
 * N, or N stratified by class with a seed), how image files are preprocessed and how event recordings become
 * frames. Two steps given equal data see the same samples.
 * <pre>{@code
 * Data data = Data.builder().setPath(Path.of("examples/data/fashion-mnist-2000")).optStratified(500, 1).build();
 * Data photos = Data.builder().setPath(Path.of("val")).optFormat(Data.Format.IMAGES).optPreset("imagenet").build();
 * Data events = Data.builder().setPath(Path.of("recordings")).optFormat(Data.Format.EVENTS).optFramesBy("time").build();
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
        IMAGES,
        /** Event-camera recordings (N-MNIST / N-Caltech101 bin, AEDAT 2.0 / 3.1, tonic npy), integrated into frames. */
        EVENTS;

        DataFormat internal() {
            return DataFormat.valueOf(name());
        }
    }

    private final Path path;
    private final Format format;
    private final String split;
    private final Integer limit;
    private final Long seed;
    private final Preprocessing preprocessing;
    private final EventOptions events;

    private Data(Builder b, Preprocessing preprocessing, EventOptions events) {
        this.path = b.path;
        this.format = b.format;
        this.split = b.split;
        this.limit = b.limit;
        this.seed = b.seed;
        this.preprocessing = preprocessing;
        this.events = events;
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
        return new EvaluationData(path, format.internal(), split, limit, seed, preprocessing, events);
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
                + (limit == null ? "all" : seed == null ? "first " + limit : limit + " stratified, seed " + seed)
                + (preprocessing.isIdentity() ? "" : ", " + preprocessing.parameters())
                + (events.isDefault() ? "" : ", " + events.parameters()) + ")";
    }

    /** Builds {@link Data}. */
    public static final class Builder {
        private Path path;
        private Format format = Format.AUTO;
        private String split = IdxDataset.TEST_SPLIT;
        private Integer limit;
        private Long seed;
        private String preset;
        private Integer resize;
        private Integer crop;
        private String channelOrder;
        private Double divideBy;
        private String mean;
        private String std;
        private String layout;
        private String exif;
        private String framesBy;
        private String sensor;
        private Integer frames;
        private String timeLayout;

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
         * Image files: starts from a preprocessing preset, {@code none} (images at the model's size, [0, 1]; the
         * default) or {@code imagenet} (torchvision's Resize(256), CenterCrop(224), ImageNet mean and std). The
         * other image options override the preset's values.
         *
         * @param preset {@code none} or {@code imagenet}
         * @return this builder
         */
        public Builder optPreset(String preset) {
            this.preset = preset;
            return this;
        }

        /**
         * Image files: resizes so the shorter side has {@code pixels} (PIL's antialiased bilinear).
         *
         * @param pixels the shorter side, 0 for no resize
         * @return this builder
         */
        public Builder optResize(int pixels) {
            this.resize = pixels;
            return this;
        }

        /**
         * Image files: crops the center square of {@code pixels} x {@code pixels} after resizing.
         *
         * @param pixels the side, 0 for no crop
         * @return this builder
         */
        public Builder optCrop(int pixels) {
            this.crop = pixels;
            return this;
        }

        /**
         * Image files: the order of the colour channels in the model input.
         *
         * @param order {@code rgb} or {@code bgr}
         * @return this builder
         */
        public Builder optChannelOrder(String order) {
            this.channelOrder = order;
            return this;
        }

        /**
         * Image files: what pixels (0..255) are divided by before mean and std.
         *
         * @param divisor 255 gives [0, 1], 1 keeps 0..255
         * @return this builder
         */
        public Builder optDivideBy(double divisor) {
            this.divideBy = divisor;
            return this;
        }

        /**
         * Image files: per-channel normalization {@code (pixel / divideBy - mean) / std}.
         *
         * @param mean per channel in channel order, or one value for all
         * @param std  per channel in channel order, or one value for all
         * @return this builder
         */
        public Builder optNormalize(double[] mean, double[] std) {
            this.mean = numbers(mean);
            this.std = numbers(std);
            return this;
        }

        /**
         * Image files: channels first or last in the model input.
         *
         * @param layout {@code chw} or {@code hwc}
         * @return this builder
         */
        public Builder optLayout(String layout) {
            this.layout = layout;
            return this;
        }

        /**
         * Image files: whether the EXIF orientation turns images upright.
         *
         * @param exif {@code ignore} (as torchvision's loader; the default) or {@code apply}
         * @return this builder
         */
        public Builder optExif(String exif) {
            this.exif = exif;
            return this;
        }

        /**
         * Event recordings: frames of equal event count or equal duration, as SpikingJelly integrates them.
         *
         * @param framesBy {@code number} (the default) or {@code time}
         * @return this builder
         */
        public Builder optFramesBy(String framesBy) {
            this.framesBy = framesBy;
            return this;
        }

        /**
         * Event recordings: the sensor size when larger than the model's frames (events are down-sampled).
         *
         * @param sensor {@code WIDTHxHEIGHT}, e.g. {@code 128x128}
         * @return this builder
         */
        public Builder optSensor(String sensor) {
            this.sensor = sensor;
            return this;
        }

        /**
         * Event recordings: frames per sample for a model whose time axis is symbolic.
         *
         * @param frames frames (T), above 0
         * @return this builder
         */
        public Builder optFrames(int frames) {
            this.frames = frames;
            return this;
        }

        /**
         * Event recordings: where a rank-5 model input has its time axis.
         *
         * @param timeLayout {@code ntchw}, {@code tnchw} or {@code auto} (the default: read from the model)
         * @return this builder
         */
        public Builder optTimeLayout(String timeLayout) {
            this.timeLayout = timeLayout;
            return this;
        }

        /**
         * Builds the data.
         *
         * @return the data
         * @throws IllegalArgumentException without a path or format, with an empty split, a count below 1, or an
         *                                  image or event option out of range
         */
        public Data build() {
            Calls.require(path != null, "data need a path (setPath)");
            Calls.require(format != null, "data need a format (optFormat must not be given null)");
            Calls.require(split != null && !split.isBlank(), "data need an IDX split name (optSplit must not be given null or blank)");
            Calls.require(limit == null || limit > 0, "the number of images must be above 0, got " + limit);
            Calls.require(frames == null || frames > 0, "the number of frames must be above 0, got " + frames);
            try {
                return new Data(this, Preprocessing.of(preset, resize, crop, channelOrder, divideBy, mean, std, layout,
                        exif), EventOptions.of(framesBy, sensor, frames, timeLayout));
            } catch (UserInputException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        private static String numbers(double[] values) {
            Calls.require(values != null && values.length > 0, "mean and std need at least one value each");
            return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
        }
    }
}
