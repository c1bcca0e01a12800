package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.qsvit.eval.data.TestImages.labels;
import static io.qsvit.eval.data.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageFolderDatasetTest {
    private static final ImageShape GREY = new ImageShape(1, 2, 3);
    private static final ImageShape RGB = new ImageShape(3, 2, 3);

    @TempDir
    Path dir;

    /** A 2 x 3 grey PNG whose pixel (x, y) is {@code base + 10 * (3 y + x)}. */
    static void greyPng(Path file, int base) throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.getRaster().setSample(x, y, 0, base + 10 * (3 * y + x));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static float[] greyValues(int base) {
        float[] values = new float[6];
        for (int i = 0; i < 6; i++) {
            values[i] = (base + 10 * i) / 255.0f;
        }
        return values;
    }

    /** A 2 x 3 colour image with (r, g, b) = (40 i, 200 - 30 i, 7 i) at pixel i (row-major). */
    static BufferedImage colourImage() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 6; i++) {
            image.setRGB(i % 3, i / 3, (40 * i) << 16 | (200 - 30 * i) << 8 | 7 * i);
        }
        return image;
    }

    /** The error of opening the folder, or of reading its samples (files are decoded when read). */
    private String error(ImageShape shape) {
        return assertThrows(UserInputException.class, () -> pixels(ImageFolderDataset.load(dir, shape))).getMessage();
    }

    @Test
    void classesAreSortedFolderNamesAndFilesAreSortedByName() throws IOException {
        greyPng(dir.resolve("dog/b.png"), 2);
        greyPng(dir.resolve("dog/a.png"), 1);
        greyPng(dir.resolve("cat/z.png"), 3);
        Dataset data = ImageFolderDataset.load(dir, GREY);
        assertEquals(List.of("cat", "dog"), data.classNames());
        assertEquals("dog", data.className(1));
        assertArrayEquals(new int[] {0, 1, 1}, labels(data));
        float[] expected = new float[18];
        System.arraycopy(greyValues(3), 0, expected, 0, 6);
        System.arraycopy(greyValues(1), 0, expected, 6, 6);
        System.arraycopy(greyValues(2), 0, expected, 12, 6);
        assertArrayEquals(expected, pixels(data));
    }

    @Test
    void hiddenEntriesAndLooseFilesAreSkippedAndEmptyClassesKeepTheirId() throws IOException {
        greyPng(dir.resolve("b/x.png"), 0);
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve(".cache"));
        Files.writeString(dir.resolve("b/.DS_Store"), "junk");
        Files.writeString(dir.resolve("README.txt"), "classes a and b");
        Dataset data = ImageFolderDataset.load(dir, GREY);
        assertEquals(List.of("a", "b"), data.classNames());
        assertArrayEquals(new int[] {1}, labels(data));
    }

    @Test
    void colourBecomesRgbPlanesOrPilLuma() throws IOException {
        Files.createDirectories(dir.resolve("c"));
        ImageIO.write(colourImage(), "png", dir.resolve("c/rgb.png").toFile());
        float[] rgb = pixels(ImageFolderDataset.load(dir, RGB));
        for (int i = 0; i < 6; i++) {
            assertEquals(40 * i / 255.0f, rgb[i]);
            assertEquals((200 - 30 * i) / 255.0f, rgb[6 + i]);
            assertEquals(7 * i / 255.0f, rgb[12 + i]);
        }
        // (19595 R + 38470 G + 7471 B + 32768) >> 16, e.g. (200, 50, 35) -> 93 (0.299 R + 0.587 G + 0.114 B = 93.14)
        int[] luma = {117, 113, 108, 103, 98, 93};
        float[] expected = new float[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = luma[i] / 255.0f;
        }
        assertArrayEquals(expected, pixels(ImageFolderDataset.load(dir, GREY)));
    }

    @Test
    void greyIsRepeatedForRgb() throws IOException {
        greyPng(dir.resolve("c/g.png"), 5);
        float[] rgb = pixels(ImageFolderDataset.load(dir, RGB));
        float[] expected = new float[18];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(greyValues(5), 0, expected, 6 * c, 6);
        }
        assertArrayEquals(expected, rgb);
    }

    @Test
    void sixteenBitGreyAndBmpAreRead() throws IOException {
        BufferedImage deep = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 65535);
        deep.getRaster().setSample(1, 0, 0, 32768);
        Files.createDirectories(dir.resolve("a"));
        ImageIO.write(deep, "png", dir.resolve("a/deep.png").toFile());
        BufferedImage bmp = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        bmp.setRGB(2, 1, 0x0a141e);
        ImageIO.write(bmp, "bmp", dir.resolve("a/pic.bmp").toFile());
        float[] values = pixels(ImageFolderDataset.load(dir, RGB));
        // 16-bit samples keep their high byte, as PIL reads 16-bit colour PNGs
        assertEquals(1.0f, values[0]);
        assertEquals(128 / 255.0f, values[1]);
        assertEquals(128 / 255.0f, values[12 + 1]);
        assertArrayEquals(new float[] {10 / 255.0f, 20 / 255.0f, 30 / 255.0f},
                new float[] {values[18 + 5], values[24 + 5], values[30 + 5]});
    }

    @Test
    void jpegLoads() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        ImageIO.write(colourImage(), "jpeg", dir.resolve("a/photo.jpg").toFile());
        assertEquals(RGB.sample(), ImageFolderDataset.load(dir, RGB).shape());
    }

    @Test
    void wrongSizeNamesTheFileAndItsSize() throws IOException {
        greyPng(dir.resolve("a/ok.png"), 0);
        Path big = dir.resolve("a/wide.png");
        ImageIO.write(new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY), "png", big.toFile());
        assertEquals(big + " is 2x4 (height x width) but the model takes 2x3 (resize and crop with --preset imagenet"
                + " or --resize/--crop)", error(GREY));
    }

    @Test
    void nonImagesAndNestedFoldersAreErrors() throws IOException {
        greyPng(dir.resolve("a/ok.png"), 0);
        Path notes = Files.writeString(dir.resolve("a/notes.txt"), "not an image");
        assertEquals(notes + " is not an image file ImageIO can read (JPEG, PNG, BMP, GIF, WebP or TIFF)", error(GREY));
        Files.delete(notes);
        Path nested = Files.createDirectories(dir.resolve("a/more"));
        assertEquals(nested + " is a folder; class folders must hold image files only", error(GREY));
    }

    @Test
    void folderLevelErrors() throws IOException {
        assertEquals(dir + " has no class sub-folders", error(GREY));
        Files.createDirectories(dir.resolve("a"));
        assertEquals("no images in the class folders of " + dir, error(GREY));
        assertEquals("images give 1 (grey) or 3 (colour) channels, but the model input 2x2x3 has 2 in layout chw"
                + " (use --layout hwc for a channels-last model)", error(new ImageShape(2, 2, 3)));
        Path missing = dir.resolve("absent");
        assertEquals("data folder not found: " + missing, assertThrows(UserInputException.class,
                () -> ImageFolderDataset.load(missing, GREY)).getMessage());
    }
}
