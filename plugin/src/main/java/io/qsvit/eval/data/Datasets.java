package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.image.ImagePipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens labelled samples in any format we read, the one entry point behind {@code --data PATH [--format ...]}.
 * Detection (format AUTO), in this order: a file ending in .libsvm, .svm, .svmlight or .txt is libsvm (a .npy
 * file is taken as NPY, to say that NPY data is a folder); a folder with *-images-idx3-ubyte[.gz] is IDX (split
 * from the spec, t10k by default); a folder with *.npy files is NPY; a folder with .aedat recordings, or with
 * sub-folders holding event recordings (.bin, .aedat, .npy; also below N-MNIST's Train/Test folders), is event
 * data; any other folder with sub-folders is an image folder (one sub-folder per class). Names starting with '.'
 * are ignored.
 */
public final class Datasets {
    private static final List<String> LIBSVM_SUFFIXES = List.of(".libsvm", ".svm", ".svmlight", ".txt");

    private Datasets() {
    }

    /**
     * The dataset at {@code path}, read as {@code spec} says; its samples have the spec's shape where the spec
     * gives one. Only the listing, labels and headers are read here; samples are read when asked for.
     */
    public static Dataset open(Path path, DatasetSpec spec) {
        DataFormat format = spec.format() == DataFormat.AUTO ? detect(path) : spec.format();
        if (format != DataFormat.IMAGES && !spec.preprocessing().isIdentity()) {
            throw new UserInputException("image preprocessing (preset " + spec.preprocessing().preset()
                    + ") applies to image folders; " + format + " data " + path + " is read as stored (use --preset none)");
        }
        if (format != DataFormat.EVENTS && !spec.events().isDefault()) {
            throw new UserInputException("event options (--frames-by, --sensor, --frames, --time-layout) apply to"
                    + " event data; " + path + " is " + format + " data");
        }
        Dataset data = switch (format) {
            case IDX -> IdxDataset.load(path, spec.split());
            case NPY -> NpyDataset.load(path, spec.shape());
            case LIBSVM -> LibsvmDataset.load(path, needShape(spec, format), spec.indexBase());
            case IMAGES -> ImageFolderDataset.load(path, new ImagePipeline(spec.preprocessing(), needShape(spec, format)));
            case EVENTS -> EventFolderDataset.load(path, spec.split(), needShape(spec, format), spec.events());
            case AUTO -> throw new IllegalStateException("format was detected");
        };
        SampleShape found = data.shape();
        if (spec.shape() != null && !found.equals(spec.shape())) {
            throw new UserInputException(path + " holds samples of shape " + found + " but the model takes "
                    + spec.shape());
        }
        return data;
    }

    /** The format of what {@code path} holds, by the rules in the class comment. */
    public static DataFormat detect(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(path)) {
            if (LIBSVM_SUFFIXES.stream().anyMatch(name::endsWith)) {
                return DataFormat.LIBSVM;
            }
            if (name.endsWith(".npy")) {
                return DataFormat.NPY;
            }
            throw new UserInputException("cannot tell the data format of " + path
                    + " from its name (libsvm files end in .libsvm, .svm, .svmlight or .txt); give --format");
        }
        if (!Files.isDirectory(path)) {
            throw new UserInputException("data path not found: " + path);
        }
        List<Path> entries;
        try (Stream<Path> list = Files.list(path)) {
            entries = list.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new UserInputException("cannot list folder " + path + ": " + e.getMessage());
        }
        if (entries.stream().anyMatch(p -> p.getFileName().toString().matches(".+-images-idx3-ubyte(\\.gz)?"))) {
            return DataFormat.IDX;
        }
        if (entries.stream().anyMatch(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".npy"))) {
            return DataFormat.NPY;
        }
        if (EventFolderDataset.holdsEvents(path)) {
            return DataFormat.EVENTS;
        }
        if (entries.stream().anyMatch(Files::isDirectory)) {
            return DataFormat.IMAGES;
        }
        throw new UserInputException("cannot tell the data format of folder " + path + ": it holds no .npy files, no"
                + " *-images-idx3-ubyte[.gz], no .aedat recordings and no class sub-folders");
    }

    private static SampleShape needShape(DatasetSpec spec, DataFormat format) {
        if (spec.shape() == null) {
            throw new UserInputException(format + " data needs the sample shape (the model input's, or given)");
        }
        return spec.shape();
    }
}
