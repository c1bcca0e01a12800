package io.qsvit.eval.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * JPEGs decoded by the system's libjpeg-turbo (TurboJPEG) give the samples ImageIO's reader gives, for colour and
 * grey files, baseline and progressive, 4:4:4 and 4:2:0, into RGB and grey models; whatever TurboJPEG must not
 * decode (a truncated file, another format, a canvas over the limit) comes back null, for ImageIO to decode or
 * refuse with its message. In CI (CI=true, which installs Debian's libturbojpeg0) the library must be there;
 * elsewhere the test is skipped, with the reason, without it.
 */
class TurboJpegTest {
    @BeforeAll
    static void needsTheLibrary() {
        if ("true".equals(System.getenv("CI"))) {
            assertNotNull(TurboJpeg.library(), "CI installs libturbojpeg0: qsvit must decode JPEGs with it");
        }
        assumeTrue(TurboJpeg.library() != null, "libturbojpeg (Debian's libturbojpeg0) is not installed");
    }

    /** A photograph-like test image: smooth gradients, edges and noise, so every DCT coefficient matters. */
    private static BufferedImage image(int type, int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(40)) & 0xff;
                int g = ((x + y) % 64 < 32 ? 200 : 30) + random.nextInt(20);
                int b = (y * 255 / height) ^ (x & 16);
                image.setRGB(x, y, r << 16 | Math.min(g, 255) << 8 | (b & 0xff));
            }
        }
        return image;
    }

    private static byte[] jpeg(BufferedImage image, boolean progressive, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static Raster8 imageIo(byte[] file, int channels) {
        return PixelConversion.of(ImageDecoder.decode(file, "test.jpg"), channels);
    }

    @Test
    void colourAndGreyJpegsDecodeToImageIosSamples() throws IOException {
        int checked = 0;
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY}) {
            for (boolean progressive : new boolean[] {false, true}) {
                for (float quality : new float[] {0.5f, 0.95f}) {
                    byte[] file = jpeg(image(type, 333, 250, checked), progressive, quality);
                    for (int channels : new int[] {3, 1}) {
                        Raster8 turbo = TurboJpeg.decode(file, channels, Long.MAX_VALUE);
                        Raster8 reference = imageIo(file, channels);
                        String what = "type " + type + (progressive ? " progressive" : " baseline") + " quality " + quality
                                + " into " + channels + " channels";
                        assertNotNull(turbo, what);
                        assertEquals(333, turbo.width(), what);
                        assertEquals(250, turbo.height(), what);
                        assertEquals(channels, turbo.channels(), what);
                        assertArrayEquals(reference.data(), turbo.data(), what);
                        checked++;
                    }
                }
            }
        }
        assertEquals(16, checked);
    }

    @Test
    void whatTurboJpegMustNotDecodeGoesToImageIo() throws IOException {
        byte[] file = jpeg(image(BufferedImage.TYPE_INT_RGB, 200, 120, 7), false, 0.9f);
        assertNull(TurboJpeg.decode(Arrays.copyOf(file, file.length / 2), 3, Long.MAX_VALUE), "a truncated file");
        assertNull(TurboJpeg.decode(Arrays.copyOf(file, 40), 3, Long.MAX_VALUE), "a file cut in its header");
        assertNull(TurboJpeg.decode(file, 3, 200L * 120 - 1), "a canvas over the limit");
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image(BufferedImage.TYPE_INT_RGB, 20, 20, 8), "png", png);
        assertNull(TurboJpeg.decode(png.toByteArray(), 3, Long.MAX_VALUE), "a PNG");
        assertNull(TurboJpeg.decode(new byte[0], 3, Long.MAX_VALUE), "no bytes");
        byte[] damaged = file.clone();
        for (int i = file.length / 3; i < file.length / 3 + 64; i++) {
            damaged[i] = (byte) 0xFF; // markers inside the entropy-coded data
        }
        Raster8 decoded = TurboJpeg.decode(damaged, 3, Long.MAX_VALUE);
        assertNull(decoded, "corrupt entropy-coded data is a warning, which stops TurboJPEG");
    }
}
