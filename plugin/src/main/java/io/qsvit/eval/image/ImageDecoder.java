package io.qsvit.eval.image;

import io.qsvit.InputLimits;
import io.qsvit.UserInputException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Decodes an image file's bytes with ImageIO: the JDK's readers (PNG, JPEG, BMP, GIF, TIFF) and the
 * TwelveMonkeys plugins on the class path (WebP; CMYK and YCCK JPEGs), the JDK's first where both read a
 * format. PIL does no colour management, and torchvision's users get the stored samples; both ImageIO JPEG
 * readers convert through an embedded ICC profile to sRGB (measured: up to 27 steps off torchvision on
 * scikit-image's rocket.jpg), so a JPEG's ICC profile segments are dropped before decoding. The first image of a
 * file is read (a GIF's first frame, as PIL opens it). A file cut short is an error, not a grey-filled image: ImageIO's JPEG
 * reader only warns "Premature end of JPEG file" and fills the rest, where PIL raises "image file is truncated".
 */
final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // decode from memory, no temporary files
    }

    private static final String TRUNCATED = "the file is truncated";

    private ImageDecoder() {
    }

    static BufferedImage decode(byte[] file, String name) {
        byte[] bytes = withoutJpegIccProfile(file);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            List<ImageReader> readers = new ArrayList<>();
            ImageIO.getImageReaders(in).forEachRemaining(readers::add);
            if (readers.isEmpty()) {
                throw new UserInputException(name + " is not an image file ImageIO can read (JPEG, PNG, BMP, GIF, "
                        + "WebP or TIFF)");
            }
            readers.sort(Comparator.comparing(r -> r.getClass().getName().startsWith("com.sun.") ? 0 : 1));
            UserInputException first = null;
            for (ImageReader reader : readers) {
                // each reader reads its own stream: one that gave up may have flushed the shared one past the start
                try (ImageInputStream attempt = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
                    return read(reader, attempt, name);
                } catch (UserInputException e) {
                    // the JDK's JPEG reader refuses CMYK and YCCK files, which TwelveMonkeys reads; a truncated
                    // file stays an error whoever reads it
                    first = first != null ? first : e;
                    if (e.getMessage().contains(TRUNCATED)) {
                        throw e;
                    }
                } finally {
                    reader.dispose();
                }
            }
            throw first;
        } catch (IOException e) {
            throw new UserInputException("cannot decode image " + name + ": " + firstLine(e));
        }
    }

    private static BufferedImage read(ImageReader reader, ImageInputStream in, String name) {
        String[] problem = new String[1];
        reader.addIIOReadWarningListener(new IIOReadWarningListener() {
            @Override
            public void warningOccurred(ImageReader source, String warning) {
                if (problem[0] == null && truncation(warning)) {
                    problem[0] = warning;
                }
            }
        });
        try {
            reader.setInput(in, true, true);
            // a small file can declare a huge canvas: refuse it from the header, before anything is allocated
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
            if (pixels > InputLimits.IMAGE_PIXELS) {
                throw new UserInputException(name + " declares " + reader.getWidth(0) + "x" + reader.getHeight(0)
                        + " pixels; images of at most " + InputLimits.IMAGE_PIXELS + " pixels are read");
            }
            BufferedImage image = reader.read(0);
            if (problem[0] != null) {
                throw new UserInputException("cannot decode image " + name + ": " + TRUNCATED + " (" + problem[0] + ")");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserInputException u) {
                throw u;
            }
            // decoders throw unchecked exceptions of every kind on corrupt data
            throw new UserInputException("cannot decode image " + name + ": " + firstLine(e));
        }
    }

    /** A JPEG without its APP2 "ICC_PROFILE" segments (other files, and JPEGs without one, as they are). */
    static byte[] withoutJpegIccProfile(byte[] f) {
        if (f.length < 4 || (f[0] & 0xff) != 0xFF || (f[1] & 0xff) != 0xD8) {
            return f;
        }
        java.io.ByteArrayOutputStream out = null;
        int copied = 0;
        int at = 2;
        while (at + 4 <= f.length && (f[at] & 0xff) == 0xFF) {
            int marker = f[at + 1] & 0xff;
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            int length = (f[at + 2] & 0xff) << 8 | (f[at + 3] & 0xff);
            if (marker == 0xE2 && at + 4 + 12 <= f.length
                    && new String(f, at + 4, 12, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ICC_PROFILE\0")) {
                out = out != null ? out : new java.io.ByteArrayOutputStream(f.length);
                out.write(f, copied, at - copied);
                copied = Math.min(f.length, at + 2 + length);
            }
            at += 2 + length;
        }
        if (out == null) {
            return f;
        }
        out.write(f, copied, f.length - copied);
        return out.toByteArray();
    }

    private static String firstLine(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }

    /** Warnings that mean pixels are missing (the JDK's and TwelveMonkeys' wording), not benign oddities. */
    private static boolean truncation(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("unexpected end");
    }
}
