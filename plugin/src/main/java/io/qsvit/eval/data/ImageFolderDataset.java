package io.qsvit.eval.data;

import io.qsvit.InputLimits;
import io.qsvit.UserInputException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a folder with one sub-folder per class, the layout of torchvision's ImageFolder: class ids are the
 * positions of the sub-folder names in sorted order (0..K-1), images are listed by file name within each class,
 * so the order never depends on the file system. Images (PNG, JPEG, BMP, GIF; whatever ImageIO reads) must
 * have exactly the requested height and width (no resizing) and become grey (1 channel) or RGB (3 channels)
 * with values in [0, 1]. Names starting with '.' are skipped; files beside the class folders are ignored;
 * anything else in a class folder that is not an image is an error. Empty class folders keep their class id.
 */
public final class ImageFolderDataset {
    private ImageFolderDataset() {
    }

    public static LoadedData load(Path folder, ImageShape shape) {
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new UserInputException("image folders give 1 (grey) or 3 (RGB) channels, not " + shape.channels());
        }
        if (!Files.isDirectory(folder)) {
            throw new UserInputException("data folder not found: " + folder);
        }
        List<Path> classes = list(folder).stream().filter(Files::isDirectory).toList();
        if (classes.isEmpty()) {
            throw new UserInputException(folder + " has no class sub-folders");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int id = 0; id < classes.size(); id++) {
            for (Path file : list(classes.get(id))) {
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
        float[] pixels = new float[files.size() * shape.size()];
        for (int i = 0; i < files.size(); i++) {
            ImagePixels.copy(read(files.get(i), shape), shape.channels(), pixels, i * shape.size());
        }
        LabeledImages images = new LabeledImages(pixels, labels.stream().mapToInt(Integer::intValue).toArray(),
                shape.channels(), shape.height(), shape.width());
        return new LoadedData(images, classes.stream().map(c -> c.getFileName().toString()).toList());
    }

    private static BufferedImage read(Path file, ImageShape shape) {
        BufferedImage image;
        try {
            checkPixels(file);
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read image " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof UserInputException) {
                throw e;
            }
            // ImageIO's decoders throw what they meet in a broken file (index errors, illegal arguments)
            throw new UserInputException("cannot decode image " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (image == null) {
            throw new UserInputException(file + " is not an image ImageIO can read (PNG, JPEG, BMP or GIF)");
        }
        if (image.getHeight() != shape.height() || image.getWidth() != shape.width()) {
            throw new UserInputException(file + " is " + image.getHeight() + "x" + image.getWidth()
                    + " (height x width) but the data needs " + shape.height() + "x" + shape.width());
        }
        return image;
    }

    /**
     * Refuses, from the header alone, an image that would decode into more than {@link InputLimits#IMAGE_PIXELS}
     * pixels: a small file can declare a huge canvas.
     */
    private static void checkPixels(Path file) throws IOException {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            var readers = in == null ? java.util.Collections.<javax.imageio.ImageReader>emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return; // ImageIO.read says it is no image
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > InputLimits.IMAGE_PIXELS) {
                    throw new UserInputException(file + " declares " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; images of at most " + InputLimits.IMAGE_PIXELS + " pixels are read");
                }
            } finally {
                reader.dispose();
            }
        }
    }

    /** Entries not starting with '.', sorted by name (String order, independent of locale and file system). */
    private static List<Path> list(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UserInputException("cannot list folder " + folder + ": " + e.getMessage());
        }
    }
}
