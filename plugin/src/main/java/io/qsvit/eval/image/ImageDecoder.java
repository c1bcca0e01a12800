package io.qsvit.eval.image;

import io.qsvit.UserInputException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decodes an image file's bytes with ImageIO: the JDK's readers (PNG, JPEG, BMP, GIF, TIFF) and the
 * TwelveMonkeys plugins on the class path (WebP; a more tolerant JPEG reader). The first image of a file is
 * read (a GIF's first frame, as PIL opens it). A file cut short is an error, not a grey-filled image: ImageIO's
 * JPEG reader only warns "Premature end of JPEG file" and fills the rest, where PIL raises "image file is
 * truncated".
 */
final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // decode from memory, no temporary files
    }

    private ImageDecoder() {
    }

    static BufferedImage decode(byte[] bytes, String name) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UserInputException(name + " is not an image file ImageIO can read (JPEG, PNG, BMP, GIF, "
                        + "WebP or TIFF)");
            }
            ImageReader reader = readers.next();
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
                BufferedImage image = reader.read(0);
                if (problem[0] != null) {
                    throw new UserInputException("cannot decode image " + name + ": " + problem[0]);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserInputException u) {
                throw u;
            }
            // decoders throw unchecked exceptions of every kind on corrupt data
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new UserInputException("cannot decode image " + name + ": " + message);
        }
    }

    /** Warnings that mean pixels are missing (the JDK's and TwelveMonkeys' wording), not benign oddities. */
    private static boolean truncation(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature end") || w.contains("truncated") || w.contains("unexpected end");
    }
}
