package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.image.ImagePipeline;
import io.qsvit.eval.image.Preprocessing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder with one sub-folder per class, the layout of torchvision's ImageFolder: class ids are the positions
 * of the sub-folder names in sorted order (0..K-1), images are listed by file name within each class, so the
 * order never depends on the file system. Opening lists the files only; each image is read, decoded and
 * preprocessed by the {@link ImagePipeline} when its sample is read (on {@link SampleBatches}' workers), so a
 * folder of any size costs memory for its file names. Names starting with '.' are skipped; files beside the
 * class folders are ignored; a sub-folder inside a class folder is an error. Empty class folders keep their
 * class id.
 */
public final class ImageFolderDataset implements Dataset {
    private final Path folder;
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classNames;
    private final ImagePipeline pipeline;

    private ImageFolderDataset(Path folder, List<Path> files, int[] labels, List<String> classNames, ImagePipeline pipeline) {
        this.folder = folder;
        this.files = files;
        this.labels = labels;
        this.classNames = classNames;
        this.pipeline = pipeline;
    }

    /** Images at exactly {@code shape}, in [0, 1] (the {@code none} preset). */
    public static ImageFolderDataset load(Path folder, ImageShape shape) {
        return load(folder, new ImagePipeline(Preprocessing.NONE, shape.sample()));
    }

    public static ImageFolderDataset load(Path folder, ImagePipeline pipeline) {
        if (!Files.isDirectory(folder)) {
            throw new UserInputException("data folder not found: " + folder);
        }
        List<Path> classes = Folders.list(folder).stream().filter(Files::isDirectory).toList();
        if (classes.isEmpty()) {
            throw new UserInputException(folder + " has no class sub-folders");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int id = 0; id < classes.size(); id++) {
            for (Path file : Folders.list(classes.get(id))) {
                if (Files.isDirectory(file)) {
                    throw new UserInputException(file + " is a folder; class folders must hold image files only");
                }
                files.add(file);
                labels.add(id);
            }
        }
        if (files.isEmpty()) {
            throw new UserInputException("no images in the class folders of " + folder);
        }
        return new ImageFolderDataset(folder, List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(),
                classes.stream().map(c -> c.getFileName().toString()).toList(), pipeline);
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
        return pipeline.shape();
    }

    @Override
    public void read(int index, float[] sample) {
        pipeline.apply(files.get(index), sample);
    }

    @Override
    public String source() {
        return folder.toString();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** The file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }
}
