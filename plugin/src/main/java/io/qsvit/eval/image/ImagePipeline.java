package io.qsvit.eval.image;

import io.qsvit.InputLimits;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.SampleShape;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One {@link Preprocessing} for one model input: turns image files (or decoded images) into samples of the
 * model's shape. Immutable and safe to share between reader threads.
 */
public final class ImagePipeline {
    private final Preprocessing preprocessing;
    private final int channels;
    private final int height;
    private final int width;
    /** The normalized value of each 8-bit sample, per channel: one lookup per value instead of two divisions. */
    private final float[][] values;

    /**
     * The pipeline giving samples of {@code shape}: [channels, height, width] (or [height, width, channels] for
     * the HWC layout), 1 (grey) or 3 (RGB/BGR) channels; a crop must have the model's size.
     */
    public ImagePipeline(Preprocessing preprocessing, SampleShape shape) {
        if (shape.rank() != 3) {
            throw new UserInputException("image files feed models with an image input of rank 3 per sample; the model "
                    + "takes samples of shape " + shape);
        }
        boolean hwc = preprocessing.layout() == Preprocessing.Layout.HWC;
        this.channels = hwc ? shape.dim(2) : shape.dim(0);
        this.height = hwc ? shape.dim(0) : shape.dim(1);
        this.width = hwc ? shape.dim(1) : shape.dim(2);
        if (channels != 1 && channels != 3) {
            throw new UserInputException("images give 1 (grey) or 3 (colour) channels, but the model input " + shape
                    + " has " + channels + " in layout " + preprocessing.layout().toString().toLowerCase()
                    + (hwc ? "" : " (use --layout hwc for a channels-last model)"));
        }
        Integer crop = preprocessing.crop();
        if (crop != null && (crop != height || crop != width)) {
            throw new UserInputException("the center crop is " + crop + "x" + crop + " but the model takes "
                    + height + "x" + width + " images");
        }
        preprocessing.checkChannels(channels);
        this.preprocessing = preprocessing;
        float divideBy = (float) preprocessing.divideBy();
        this.values = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            float mean = (float) preprocessing.meanOf(c);
            float std = (float) preprocessing.stdOf(c);
            for (int v = 0; v < 256; v++) {
                // float32 arithmetic in torchvision's order: to_tensor's x / 255, then (x - mean) / std
                values[c][v] = (v / divideBy - mean) / std;
            }
        }
    }

    /**
     * What decodes JPEGs on this machine: the system's libjpeg-turbo ({@link TurboJpeg}) or ImageIO's reader; both
     * give the same samples on every JPEG we test with, libjpeg-turbo about three times faster.
     */
    public static String jpegDecoder() {
        String turbo = TurboJpeg.library();
        return turbo != null ? turbo : "ImageIO (the JDK's libjpeg 6b; install libturbojpeg for PIL's faster decoder)";
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The shape of the samples this pipeline makes. */
    public SampleShape shape() {
        return preprocessing.layout() == Preprocessing.Layout.HWC ? SampleShape.of(height, width, channels)
                : SampleShape.of(channels, height, width);
    }

    /** Reads, decodes and preprocesses one file into {@code sample}; errors name the file. */
    public void apply(Path file, float[] sample) {
        apply(read(file), file.toString(), sample);
    }

    /**
     * Decodes and preprocesses an image file's bytes (a served request's body) into {@code sample}; errors name
     * the image {@code name}.
     */
    public void apply(byte[] bytes, String name, float[] sample) {
        finish(decode(bytes, name), name, sample);
    }

    /**
     * Reads and decodes one file without preprocessing it: what decoding alone costs (the images benchmark).
     *
     * @return the decoded image's width x height
     */
    public long decodeOnly(Path file) {
        Raster8 raster = decode(read(file), file.toString());
        return (long) raster.width() * raster.height();
    }

    private static byte[] read(Path file) {
        try {
            if (Files.size(file) > InputLimits.DOCUMENT_BYTES) {
                throw new UserInputException(file + " is " + Files.size(file) + " bytes; an image file may have at most "
                        + InputLimits.DOCUMENT_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("image file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read image " + file + ": " + e.getMessage());
        }
    }

    /** The file's samples in the model's channels, turned upright where the preprocessing applies EXIF. */
    private Raster8 decode(byte[] bytes, String name) {
        if (bytes.length > InputLimits.DOCUMENT_BYTES) {
            throw new UserInputException(name + " is " + bytes.length + " bytes; an image file may have at most "
                    + InputLimits.DOCUMENT_BYTES);
        }
        Raster8 raster = TurboJpeg.decode(bytes, channels, InputLimits.IMAGE_PIXELS);
        if (raster == null) {
            raster = PixelConversion.of(ImageDecoder.decode(bytes, name), channels);
        }
        if (preprocessing.exif() == Preprocessing.Exif.APPLY) {
            raster = ExifOrientation.apply(raster, ExifOrientation.of(bytes));
        }
        return raster;
    }

    /** Preprocesses an image already decoded (no EXIF: a BufferedImage carries none). */
    public void apply(BufferedImage image, String name, float[] sample) {
        finish(PixelConversion.of(image, channels), name, sample);
    }

    private void finish(Raster8 raster, String name, float[] sample) {
        int resizedWidth = raster.width();
        int resizedHeight = raster.height();
        if (preprocessing.resize() != null) {
            int[] size = resizedSize(raster.width(), raster.height(), preprocessing.resize());
            resizedWidth = size[0];
            resizedHeight = size[1];
        }
        int top = 0;
        int left = 0;
        if (preprocessing.crop() != null) {
            int crop = preprocessing.crop();
            if (resizedWidth < crop || resizedHeight < crop) {
                throw new UserInputException(name + " is " + raster.width() + "x" + raster.height() + " (width x height)"
                        + (preprocessing.resize() != null ? ", " + resizedWidth + "x" + resizedHeight + " after resizing to "
                        + preprocessing.resize() : "") + ", too small for the " + crop + "x" + crop + " center crop");
            }
            top = centerOffset(resizedHeight, crop);
            left = centerOffset(resizedWidth, crop);
        } else if (resizedWidth != width || resizedHeight != height) {
            throw new UserInputException(name + " is " + resizedHeight + "x" + resizedWidth + " (height x width)"
                    + (preprocessing.resize() != null ? " after resizing" : "") + " but the model takes " + height
                    + "x" + width + (preprocessing.isIdentity() ? " (resize and crop with --preset imagenet or "
                    + "--resize/--crop)" : ""));
        }
        Raster8 image = raster;
        if (preprocessing.resize() != null) {
            // only the pixels the crop keeps are resized
            image = Resampler.resize(raster, resizedWidth, resizedHeight, left, top, width, height);
            top = 0;
            left = 0;
        }
        write(image, top, left, sample);
    }

    /** Values per channel, in the configured channel order and layout. */
    private void write(Raster8 image, int top, int left, float[] sample) {
        byte[] data = image.data();
        boolean bgr = preprocessing.channelOrder() == Preprocessing.ChannelOrder.BGR && channels == 3;
        boolean hwc = preprocessing.layout() == Preprocessing.Layout.HWC;
        int area = height * width;
        for (int c = 0; c < channels; c++) {
            int source = bgr ? 2 - c : c;
            float[] normalized = values[c];
            for (int y = 0; y < height; y++) {
                int at = ((top + y) * image.width() + left) * channels + source;
                int to = hwc ? y * width * channels + c : c * area + y * width;
                int step = hwc ? channels : 1;
                for (int x = 0; x < width; x++, at += channels, to += step) {
                    sample[to] = normalized[data[at] & 0xff];
                }
            }
        }
    }

    /**
     * torchvision's Resize(size) for one int: the shorter side becomes {@code size}, the longer one
     * int(size * long / short), truncated; an image whose shorter side already is {@code size} keeps its size.
     */
    static int[] resizedSize(int width, int height, int size) {
        if (width <= height) {
            return width == size ? new int[] {width, height} : new int[] {size, (int) ((long) size * height / width)};
        }
        return height == size ? new int[] {width, height} : new int[] {(int) ((long) size * width / height), size};
    }

    /** torchvision's center crop offset: int(round((size - crop) / 2)), rounding half to even (58.5 -> 58). */
    static int centerOffset(int size, int crop) {
        return (int) Math.rint((size - crop) / 2.0);
    }
}
