package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and loads an IDX image/label pair, named the way the MNIST family is distributed:
 * {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]}, e.g. Debian's
 * dataset-fashion-mnist under /usr/share/datasets/fashion-mnist (splits {@code train} and {@code t10k}).
 */
public final class IdxDataset {
    public static final String TEST_SPLIT = "t10k";

    private IdxDataset() {
    }

    public static LabeledImages load(Path folder, String split) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException("data folder not found: " + folder);
        }
        Path images = find(folder, split + "-images-idx3-ubyte");
        Path labels = find(folder, split + "-labels-idx1-ubyte");
        return LabeledImages.fromIdx(IdxArray.read(images), IdxArray.read(labels), folder + " (" + split + ")");
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
