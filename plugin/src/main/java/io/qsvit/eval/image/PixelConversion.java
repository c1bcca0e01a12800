package io.qsvit.eval.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded image into 8-bit grey or RGB samples the way PIL's {@code convert('L')} and
 * {@code convert('RGB')} do: samples are taken as stored, without colour management (PIL ignores embedded
 * ICC profiles, and Java's {@code getRGB} would gamma-convert grey); palette images take their palette
 * colours; alpha is dropped, not composited; grey becomes RGB by repetition; colour becomes grey by PIL's
 * luma L = (19595 R + 38470 G + 7471 B + 32768) >> 16 (ITU-R 601 weights 0.299/0.587/0.114).
 *
 * <p>16-bit samples keep their high byte, as PIL does for 16-bit RGB PNGs. (PIL's {@code convert} of a 16-bit
 * grey image instead clips every value above 255 to white; we do not copy that.)
 */
final class PixelConversion {
    private PixelConversion() {
    }

    static Raster8 of(BufferedImage image, int channels) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(width * height, channels)];
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        boolean indexed = model instanceof IndexColorModel;
        if (!indexed && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            grey(raster, model.getComponentSize(0), channels, out);
        } else if (!indexed && model.getColorSpace().getType() == ColorSpace.TYPE_RGB
                && raster.getSampleModel() instanceof ComponentSampleModel sm && raster.getNumBands() >= 3
                && (raster.getDataBuffer() instanceof DataBufferByte || raster.getDataBuffer() instanceof DataBufferUShort)
                && raster.getDataBuffer().getNumBanks() == 1 && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            components(raster, sm, channels, out);
        } else {
            argb(image, channels, out);
        }
        return new Raster8(width, height, channels, out);
    }

    private static void grey(Raster raster, int bits, int channels, byte[] out) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, row);
            for (int x = 0; x < width; x++) {
                int v = eight(row[x], bits);
                int at = (y * width + x) * channels;
                for (int c = 0; c < channels; c++) {
                    out[at + c] = (byte) v;
                }
            }
        }
    }

    /** A stored sample of {@code bits} bits as 8 bits: the high byte of 16-bit samples, 1..7 bits scaled up. */
    private static int eight(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }

    /** Byte or 16-bit RGB(A) samples read straight from the data buffer (JPEG's BGR, PNG's RGB). */
    private static void components(Raster raster, ComponentSampleModel sm, int channels, byte[] out) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int[] offsets = sm.getBandOffsets();
        int pixelStride = sm.getPixelStride();
        int scanline = sm.getScanlineStride();
        int r = offsets[0];
        int g = offsets[1];
        int b = offsets[2];
        DataBuffer buffer = raster.getDataBuffer();
        int base = buffer.getOffset();
        if (buffer instanceof DataBufferByte bytes) {
            byte[] data = bytes.getData();
            for (int y = 0; y < height; y++) {
                int at = base + y * scanline;
                int to = y * width * channels;
                for (int x = 0; x < width; x++, at += pixelStride) {
                    if (channels == 3) {
                        out[to++] = data[at + r];
                        out[to++] = data[at + g];
                        out[to++] = data[at + b];
                    } else {
                        out[to++] = (byte) luma(data[at + r] & 0xff, data[at + g] & 0xff, data[at + b] & 0xff);
                    }
                }
            }
            return;
        }
        short[] data = ((DataBufferUShort) buffer).getData();
        for (int y = 0; y < height; y++) {
            int at = base + y * scanline;
            int to = y * width * channels;
            for (int x = 0; x < width; x++, at += pixelStride) {
                int rv = (data[at + r] & 0xffff) >>> 8;
                int gv = (data[at + g] & 0xffff) >>> 8;
                int bv = (data[at + b] & 0xffff) >>> 8;
                if (channels == 3) {
                    out[to++] = (byte) rv;
                    out[to++] = (byte) gv;
                    out[to++] = (byte) bv;
                } else {
                    out[to++] = (byte) luma(rv, gv, bv);
                }
            }
        }
    }

    /** Any other image (palette, packed pixels) through its colour model's RGB. */
    private static void argb(BufferedImage image, int channels, byte[] out) {
        int width = image.getWidth();
        int[] row = new int[width];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int to = y * width * channels;
            for (int x = 0; x < width; x++) {
                int r = (row[x] >> 16) & 0xff;
                int g = (row[x] >> 8) & 0xff;
                int b = row[x] & 0xff;
                if (channels == 3) {
                    out[to++] = (byte) r;
                    out[to++] = (byte) g;
                    out[to++] = (byte) b;
                } else {
                    out[to++] = (byte) luma(r, g, b);
                }
            }
        }
    }

    /** An RGB raster as grey, by PIL's {@code convert('L')}. */
    static Raster8 luma(Raster8 rgb) {
        byte[] in = rgb.data();
        byte[] out = new byte[rgb.width() * rgb.height()];
        for (int i = 0, at = 0; i < out.length; i++, at += 3) {
            out[i] = (byte) luma(in[at] & 0xff, in[at + 1] & 0xff, in[at + 2] & 0xff);
        }
        return new Raster8(rgb.width(), rgb.height(), 1, out);
    }

    /** PIL's {@code convert('L')}. */
    static int luma(int r, int g, int b) {
        return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    }
}
