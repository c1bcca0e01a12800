package io.qsvit.eval.image;

import io.qsvit.DebianPython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The resampler against PIL itself (Debian's python3-pil): random images of random sizes, grey and RGB, shrunk
 * (up to 9x, where the horizontal pass sums many taps), enlarged, and resized along one side only, are equal to
 * PIL's {@code Image.resize(size, BILINEAR)} to the bit. In CI (CI=true) PIL must be there; elsewhere the test is
 * skipped without it.
 */
class ResamplerPilTest {
    private static final Path SCRIPT = Path.of("src/test/python/pil_resize.py");
    private static final int CASES = 120;

    @TempDir
    Path work;

    @Test
    void randomImagesResizeToPilsPixels() throws IOException, InterruptedException {
        DebianPython.require("python3-pil", "PIL");
        Random random = new Random(20261130);
        Raster8[] images = new Raster8[CASES];
        int[][] sizes = new int[CASES][];
        StringBuilder cases = new StringBuilder();
        for (int i = 0; i < CASES; i++) {
            int channels = i % 4 == 3 ? 1 : 3;
            int width = 1 + random.nextInt(400);
            int height = 1 + random.nextInt(400);
            int outWidth = switch (i % 5) {
                case 0 -> width; // vertical pass only
                case 1 -> Math.max(1, width / (2 + random.nextInt(8))); // shrink up to 9x
                default -> 1 + random.nextInt(300);
            };
            int outHeight = i % 5 == 2 ? height : 1 + random.nextInt(300); // case 2: horizontal pass only
            byte[] samples = new byte[width * height * channels];
            smoothNoise(random, samples);
            images[i] = new Raster8(width, height, channels, samples);
            sizes[i] = new int[] {outWidth, outHeight};
            Files.write(work.resolve(i + ".raw"), samples);
            cases.append(i).append(channels == 3 ? " RGB " : " L ").append(width).append(' ').append(height)
                    .append(' ').append(outWidth).append(' ').append(outHeight).append('\n');
        }
        Files.writeString(work.resolve("cases.txt"), cases);
        DebianPython.run(SCRIPT, 120, work.toString());
        for (int i = 0; i < CASES; i++) {
            Raster8 ours = Resampler.resize(images[i], sizes[i][0], sizes[i][1]);
            byte[] pil = Files.readAllBytes(work.resolve(i + ".pil"));
            assertArrayEquals(pil, ours.data(), "case " + i + ": " + images[i].width() + "x" + images[i].height()
                    + "x" + images[i].channels() + " to " + sizes[i][0] + "x" + sizes[i][1]);
        }
    }

    /** Random values with some spatial correlation, so that sums land on every rounding case, edges included. */
    private static void smoothNoise(Random random, byte[] samples) {
        int value = random.nextInt(256);
        for (int i = 0; i < samples.length; i++) {
            value = random.nextInt(8) == 0 ? random.nextInt(256) : Math.max(0, Math.min(255, value + random.nextInt(31) - 15));
            samples[i] = (byte) value;
        }
    }
}
