package io.qsvit.eval.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded image into grey or RGB planes scaled to [0, 1], the way Python pipelines (PIL) do: grey
 * samples are taken as stored (Java's getRGB would gamma-convert them), colour is converted to grey with PIL's
 * {@code convert('L')} luma, L = (19595 R + 38470 G + 7471 B + 32768) >> 16, i.e. ITU-R 601 weights
 * 0.299/0.587/0.114, and grey is repeated for RGB. Alpha is ignored.
 */
public final class ImagePixels {
    private ImagePixels() {
    }

    /** Writes {@code channels} (1 or 3) planes of the image into {@code target} starting at {@code offset}. */
    public static void copy(BufferedImage image, int channels, float[] target, int offset) {
        int width = image.getWidth();
        int height = image.getHeight();
        int area = width * height;
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel)) {
            Raster raster = image.getRaster();
            float max = (1 << model.getComponentSize(0)) - 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float grey = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        target[offset + c * area + y * width + x] = grey;
                    }
                }
            }
            return;
        }
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int r = (row[x] >> 16) & 0xff;
                int g = (row[x] >> 8) & 0xff;
                int b = row[x] & 0xff;
                int at = offset + y * width + x;
                if (channels == 1) {
                    target[at] = ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16) / 255.0f;
                } else {
                    target[at] = r / 255.0f;
                    target[at + area] = g / 255.0f;
                    target[at + 2 * area] = b / 255.0f;
                }
            }
        }
    }
}
