package io.qsvit.cli;

import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad image input on the command line: one line {@code qsvit: error: ...} naming the file, exit 1, and no
 * output folder left behind (the evaluate step writes into a temporary folder that is renamed only when done).
 */
class BadImageInputTest {
    @TempDir
    Path dir;

    /** A class folder of good 28x28 grey PNGs plus {@code bad} under the name {@code name}. */
    private Path folderWith(String name, byte[] bad) throws IOException {
        Path folder = dir.resolve("data");
        for (int i = 0; i < 3; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setSample(i, i, 0, 200);
            ImageIO.write(image, "png", Files.createDirectories(folder.resolve("c" + i)).resolve("ok.png").toFile());
        }
        if (bad != null) {
            Files.write(folder.resolve("c1").resolve(name), bad);
        }
        return folder;
    }

    private static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 7 % 256) << 16 | (y * 5 % 256) << 8 | (x + y) % 256);
            }
        }
        Path file = Files.createTempFile("qsvit", ".jpg");
        ImageIO.write(image, "jpeg", file.toFile());
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    private QsvitCliTest.Run evaluate(Path data, String... options) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", QsvitCliTest.sdtv2(), "--data", data.toString(),
                "--out", dir.resolve("out").toString(), "--threads", "1"));
        args.addAll(Arrays.asList(options));
        return QsvitCliTest.run(args.toArray(String[]::new));
    }

    private void assertOneLineError(QsvitCliTest.Run run, String expectedStart) {
        assertEquals(1, run.exit(), run.out() + run.err());
        String err = run.err().strip();
        assertFalse(err.contains("\n"), err);
        assertTrue(err.startsWith("qsvit: error: " + expectedStart), err);
        assertFalse(Files.exists(dir.resolve("out")), "no output folder after an error");
    }

    @Test
    void truncatedJpegNamesTheFile() throws IOException {
        byte[] whole = jpeg(200, 160); // cut in the scan data (a tiny JPEG is mostly tables)
        Path data = folderWith("cut.jpg", Arrays.copyOf(whole, whole.length * 2 / 3));
        QsvitCliTest.Run run = evaluate(data);
        assertOneLineError(run, "cannot decode image " + data.resolve("c1/cut.jpg") + ": the file is truncated");
    }

    @Test
    void corruptJpegNamesTheFile() throws IOException {
        byte[] bytes = jpeg(28, 28);
        for (int i = bytes.length / 3; i < bytes.length - 2; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path data = folderWith("noise.jpg", Arrays.copyOf(bytes, 40));
        assertOneLineError(evaluate(data), "cannot decode image " + data.resolve("c1/noise.jpg") + ": ");
    }

    @Test
    void anUnknownPresetIsRefused() throws IOException {
        assertOneLineError(evaluate(folderWith("x", null), "--preset", "imagenette"),
                "unknown preprocessing preset 'imagenette' (none, imagenet)");
    }

    @Test
    void anImageTooSmallToCropNamesTheFile() throws IOException {
        Path data = folderWith("small.jpg", jpeg(20, 24));
        assertOneLineError(evaluate(data, "--crop", "28"),
                data.resolve("c1/small.jpg") + " is 20x24 (width x height), too small for the 28x28 center crop");
    }

    @Test
    void anUnreadableFileNamesTheFile() throws IOException {
        Path data = folderWith("x", null);
        Path gone = data.resolve("c2/gone.png");
        Files.createSymbolicLink(gone, dir.resolve("nowhere.png"));
        assertOneLineError(evaluate(data), "image file not found: " + gone);
        Files.delete(gone);
        Path notImage = Files.writeString(data.resolve("c2/notes.png"), "not an image");
        assertOneLineError(evaluate(data), notImage + " is not an image file ImageIO can read");
    }

    @Test
    void scikitImagesTruncatedJpegIsAnError() throws IOException {
        Path truncated = Path.of("/usr/lib/python3/dist-packages/skimage/data/truncated.jpg");
        if (!Files.isRegularFile(truncated) && !"true".equals(System.getenv("CI"))) {
            return; // Debian's python3-skimage is not installed here; CI installs it
        }
        Path data = folderWith("truncated.jpg", Files.readAllBytes(truncated));
        // cut inside its Huffman tables: the decoders' own words follow the file name
        assertOneLineError(evaluate(data, "--preset", "none", "--resize", "28", "--crop", "28"),
                "cannot decode image " + data.resolve("c1/truncated.jpg") + ": ");
    }
}
