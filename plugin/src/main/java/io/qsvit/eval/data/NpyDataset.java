package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Images (or any samples) and labels saved from Python with {@code np.save}: a folder with {@code images.npy}
 * (or {@code x.npy}) and {@code labels.npy} (or {@code y.npy}), or two named files. Labels are read at once;
 * samples are read from the file one at a time, when asked for, so the array may be larger than memory.
 *
 * <p>Samples: float32, float64 or uint8 (scaled by 1/255 to [0, 1]; floats are taken as they are, so they
 * must already be in the model's input scale), C order. Shape [n, height, width] gives one-channel images
 * [1, height, width]; an array whose sample shape is the one the model expects is taken as it is (so
 * [n, 224, 224, 3] feeds a channels-last model and [n, T, 2, H, W] a time-axis one); otherwise a rank-4 array
 * whose last dimension is 1 or 3 and whose second dimension is not is taken as NHWC and each sample transposed
 * to [channels, height, width]. So [n, 28, 28, 1] and [n, 32, 32, 3] are NHWC, while [n, 1, 28, 28],
 * [n, 3, 32, 32] and the ambiguous [n, 3, 8, 3] are NCHW.
 *
 * <p>Labels: a 1-dimensional uint8, int32 or int64 array of class ids 0..K-1.
 */
public final class NpyDataset implements Dataset {
    private static final Set<NpyDtype.Type> PIXEL_TYPES =
            EnumSet.of(NpyDtype.Type.FLOAT32, NpyDtype.Type.FLOAT64, NpyDtype.Type.UINT8);
    private static final Set<NpyDtype.Type> LABEL_TYPES =
            EnumSet.of(NpyDtype.Type.UINT8, NpyDtype.Type.INT32, NpyDtype.Type.INT64);

    private final Path file;
    private final NpyHeader header;
    private final NpyDtype dtype;
    private final int[] labels;
    private final SampleShape shape;
    /** Pixels per channel of an NHWC array read as NCHW, 0 where samples are taken as stored. */
    private final int nhwcArea;

    private NpyDataset(Path file, NpyHeader header, NpyDtype dtype, int[] labels, SampleShape shape, int nhwcArea) {
        this.file = file;
        this.header = header;
        this.dtype = dtype;
        this.labels = labels;
        this.shape = shape;
        this.nhwcArea = nhwcArea;
    }

    /** Opens {@code images.npy} or {@code x.npy} and {@code labels.npy} or {@code y.npy} in a folder. */
    public static NpyDataset load(Path folder) {
        return load(folder, (SampleShape) null);
    }

    /** As {@link #load(Path)}, taking samples as stored where they have the {@code expected} shape (null: any). */
    public static NpyDataset load(Path folder, SampleShape expected) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException(Files.exists(folder)
                    ? folder + " is not a folder; NPY data is a folder with images.npy and labels.npy"
                            + " (or x.npy and y.npy)"
                    : "data folder not found: " + folder);
        }
        return load(find(folder, "images.npy", "x.npy"), find(folder, "labels.npy", "y.npy"), expected);
    }

    /** Two named files, samples as stored (rank-3 arrays as one-channel images, NHWC transposed). */
    public static NpyDataset load(Path imagesFile, Path labelsFile) {
        return load(imagesFile, labelsFile, null);
    }

    public static NpyDataset load(Path imagesFile, Path labelsFile, SampleShape expected) {
        NpyHeader images = NpyHeader.read(imagesFile);
        NpyDtype pixelType = dtype(images, imagesFile, PIXEL_TYPES, "images (use float32, float64 or uint8)");
        NpyHeader labels = NpyHeader.read(labelsFile);
        NpyDtype labelType = dtype(labels, labelsFile, LABEL_TYPES,
                "labels (use an integer type: uint8, int32 or int64)");
        int[] s = images.shape();
        if (s.length < 3) {
            throw new UserInputException(imagesFile + ": images must have shape [n, height, width] or [n, channels,"
                    + " height, width] (or NHWC), found " + Arrays.toString(s));
        }
        if (images.count() == 0) {
            throw new UserInputException(imagesFile + ": image array of shape " + Arrays.toString(s) + " is empty");
        }
        if (labels.shape().length != 1) {
            throw new UserInputException(labelsFile + ": labels must have shape [n], found "
                    + Arrays.toString(labels.shape()));
        }
        if (labels.shape()[0] != s[0]) {
            throw new UserInputException(imagesFile + " has " + s[0] + " images but " + labelsFile + " has "
                    + labels.shape()[0] + " labels");
        }
        NpyReader.checkLayout(imagesFile, images, pixelType);
        int[] classes = classIds(NpyReader.readLongs(labelsFile, labels, labelType), labelsFile);
        SampleShape stored = SampleShape.of(Arrays.copyOfRange(s, 1, s.length));
        if (stored.equals(expected)) {
            return new NpyDataset(imagesFile, images, pixelType, classes, stored, 0);
        }
        if (s.length == 3) {
            return new NpyDataset(imagesFile, images, pixelType, classes, SampleShape.of(1, s[1], s[2]), 0);
        }
        boolean nhwc = s.length == 4 && (s[3] == 1 || s[3] == 3) && s[1] != 1 && s[1] != 3;
        if (nhwc) {
            return new NpyDataset(imagesFile, images, pixelType, classes, SampleShape.of(s[3], s[1], s[2]), s[1] * s[2]);
        }
        return new NpyDataset(imagesFile, images, pixelType, classes, stored, 0);
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
        if (nhwcArea == 0) {
            NpyReader.readFloats(file, header, dtype, (long) index * size, size, sample);
            return;
        }
        float[] stored = new float[size];
        NpyReader.readFloats(file, header, dtype, (long) index * size, size, stored);
        int channels = size / nhwcArea;
        for (int p = 0; p < nhwcArea; p++) {
            for (int c = 0; c < channels; c++) {
                sample[c * nhwcArea + p] = stored[p * channels + c];
            }
        }
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public List<String> classNames() {
        return List.of();
    }

    private static Path find(Path folder, String name, String alternative) {
        Path first = folder.resolve(name);
        Path second = folder.resolve(alternative);
        boolean hasFirst = Files.isRegularFile(first);
        if (hasFirst && Files.isRegularFile(second)) {
            throw new UserInputException(folder + " holds both " + name + " and " + alternative + "; keep one");
        }
        if (hasFirst || Files.isRegularFile(second)) {
            return hasFirst ? first : second;
        }
        throw new UserInputException("no " + name + " or " + alternative + " in " + folder);
    }

    private static NpyDtype dtype(NpyHeader header, Path file, Set<NpyDtype.Type> allowed, String use) {
        return NpyDtype.parse(header.descr()).filter(d -> allowed.contains(d.type())).orElseThrow(() ->
                new UserInputException(file + ": dtype '" + header.descr() + "' is not supported for " + use));
    }

    private static int[] classIds(long[] labels, Path file) {
        int[] classes = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > Integer.MAX_VALUE) {
                throw new UserInputException(file + ": label " + labels[i] + " at index " + i
                        + " is not a class id (0..K-1)");
            }
            classes[i] = (int) labels[i];
        }
        return classes;
    }
}
