package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Loads images and labels saved from Python with {@code np.save}: a folder with {@code images.npy} (or
 * {@code x.npy}) and {@code labels.npy} (or {@code y.npy}), or two named files.
 *
 * <p>Images: float32, float64 or uint8 (scaled by 1/255 to [0, 1]; floats are taken as they are, so they must
 * already be in the model's input scale), shape [n, height, width] (one channel) or [n, channels, height,
 * width]. NHWC arrays are recognised by this rule: a rank-4 array whose last dimension is 1 or 3 and whose
 * second dimension is not is taken as [n, height, width, channels] and transposed to NCHW. So [n, 28, 28, 1]
 * and [n, 32, 32, 3] are NHWC, while [n, 1, 28, 28], [n, 3, 32, 32] and the ambiguous [n, 3, 8, 3] are NCHW.
 *
 * <p>Labels: a 1-dimensional uint8, int32 or int64 array of class ids 0..K-1.
 */
public final class NpyDataset {
    private static final Set<NpyDtype.Type> PIXEL_TYPES =
            EnumSet.of(NpyDtype.Type.FLOAT32, NpyDtype.Type.FLOAT64, NpyDtype.Type.UINT8);
    private static final Set<NpyDtype.Type> LABEL_TYPES =
            EnumSet.of(NpyDtype.Type.UINT8, NpyDtype.Type.INT32, NpyDtype.Type.INT64);

    private NpyDataset() {
    }

    /** Loads {@code images.npy} or {@code x.npy} and {@code labels.npy} or {@code y.npy} from a folder. */
    public static LabeledImages load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException(Files.exists(folder)
                    ? folder + " is not a folder; NPY data is a folder with images.npy and labels.npy"
                            + " (or x.npy and y.npy)"
                    : "data folder not found: " + folder);
        }
        return load(find(folder, "images.npy", "x.npy"), find(folder, "labels.npy", "y.npy"));
    }

    public static LabeledImages load(Path imagesFile, Path labelsFile) {
        NpyHeader images = NpyHeader.read(imagesFile);
        NpyDtype pixelType = dtype(images, imagesFile, PIXEL_TYPES, "images (use float32, float64 or uint8)");
        NpyHeader labels = NpyHeader.read(labelsFile);
        NpyDtype labelType = dtype(labels, labelsFile, LABEL_TYPES,
                "labels (use an integer type: uint8, int32 or int64)");
        int[] s = images.shape();
        if (s.length != 3 && s.length != 4) {
            throw new UserInputException(imagesFile + ": images must have shape [n, height, width] or [n, channels,"
                    + " height, width] (or NHWC), found " + Arrays.toString(s));
        }
        if (images.count() == 0) {
            throw new UserInputException(imagesFile + ": image array of shape " + Arrays.toString(s) + " is empty");
        }
        boolean nhwc = s.length == 4 && (s[3] == 1 || s[3] == 3) && s[1] != 1 && s[1] != 3;
        if (labels.shape().length != 1) {
            throw new UserInputException(labelsFile + ": labels must have shape [n], found "
                    + Arrays.toString(labels.shape()));
        }
        if (labels.shape()[0] != s[0]) {
            throw new UserInputException(imagesFile + " has " + s[0] + " images but " + labelsFile + " has "
                    + labels.shape()[0] + " labels");
        }
        int[] classes = classIds(NpyReader.readLongs(labelsFile, labels, labelType), labelsFile);
        float[] pixels = NpyReader.readFloats(imagesFile, images, pixelType);
        if (nhwc) {
            toNchw(pixels, s[1] * s[2], s[3]);
            return new LabeledImages(pixels, classes, s[3], s[1], s[2]);
        }
        return s.length == 3 ? new LabeledImages(pixels, classes, 1, s[1], s[2])
                : new LabeledImages(pixels, classes, s[1], s[2], s[3]);
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

    /** Reorders each image in place from [pixel][channel] to [channel][pixel], one image-sized buffer at a time. */
    private static void toNchw(float[] pixels, int area, int channels) {
        int size = area * channels;
        float[] image = new float[size];
        for (int start = 0; start < pixels.length; start += size) {
            System.arraycopy(pixels, start, image, 0, size);
            for (int p = 0; p < area; p++) {
                for (int c = 0; c < channels; c++) {
                    pixels[start + c * area + p] = image[p * channels + c];
                }
            }
        }
    }
}
