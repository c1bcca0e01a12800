package io.qsvit.eval.image;

/**
 * Bilinear resizing with antialiasing, computing what PIL's {@code Image.resize(size, BILINEAR)} computes on
 * 8-bit images (Pillow's libImaging/Resample.c), so resized pixels equal PIL's exactly:
 * <ul>
 *   <li>per output position: scale = in / out (the float difference of the box, divided in double),
 *       filterscale = max(scale, 1), support = filterscale, center = (x + 0.5) * scale; taps from
 *       (int) (center - support + 0.5) clamped at 0 to (int) (center + support + 0.5) clamped at in;
 *       triangle weights of (tap - center + 0.5) / filterscale, normalized to sum 1;</li>
 *   <li>weights as 22-bit fixed point, (int) (w * 2^22 + 0.5); each sum starts at 2^21, is shifted right by 22
 *       and clamped to 0..255;</li>
 *   <li>horizontal pass first, over the rows the vertical pass reads, into an 8-bit intermediate; then
 *       vertical. A pass whose size does not change is skipped.</li>
 * </ul>
 */
final class Resampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resampler() {
    }

    static Raster8 resize(Raster8 in, int width, int height) {
        if (width == in.width() && height == in.height()) {
            return in;
        }
        Taps vertical = Taps.of(in.height(), height);
        Raster8 image = in;
        int firstRow = 0;
        if (width != in.width()) {
            firstRow = vertical.first[0];
            int lastRow = vertical.first[height - 1] + vertical.count[height - 1];
            image = horizontal(in, Taps.of(in.width(), width), firstRow, lastRow);
        }
        if (height != in.height()) {
            image = vertical(image, vertical, firstRow);
        }
        return image;
    }

    private static Raster8 horizontal(Raster8 in, Taps taps, int firstRow, int lastRow) {
        int channels = in.channels();
        int inRow = in.width() * channels;
        int outWidth = taps.first.length;
        byte[] src = in.data();
        byte[] out = new byte[(lastRow - firstRow) * outWidth * channels];
        int[] acc = new int[channels];
        for (int y = firstRow; y < lastRow; y++) {
            int rowStart = y * inRow;
            int to = (y - firstRow) * outWidth * channels;
            for (int x = 0; x < outWidth; x++) {
                java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
                int k = x * taps.size;
                int at = rowStart + taps.first[x] * channels;
                for (int t = 0; t < taps.count[x]; t++, at += channels) {
                    int w = taps.weights[k + t];
                    for (int c = 0; c < channels; c++) {
                        acc[c] += (src[at + c] & 0xff) * w;
                    }
                }
                for (int c = 0; c < channels; c++) {
                    out[to++] = clip(acc[c]);
                }
            }
        }
        return new Raster8(outWidth, lastRow - firstRow, channels, out);
    }

    private static Raster8 vertical(Raster8 in, Taps taps, int rowOffset) {
        int row = in.width() * in.channels();
        int outHeight = taps.first.length;
        byte[] src = in.data();
        byte[] out = new byte[outHeight * row];
        int[] acc = new int[row];
        for (int y = 0; y < outHeight; y++) {
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int k = y * taps.size;
            int first = taps.first[y] - rowOffset;
            for (int t = 0; t < taps.count[y]; t++) {
                int w = taps.weights[k + t];
                int at = (first + t) * row;
                for (int i = 0; i < row; i++) {
                    acc[i] += (src[at + i] & 0xff) * w;
                }
            }
            int to = y * row;
            for (int i = 0; i < row; i++) {
                out[to + i] = clip(acc[i]);
            }
        }
        return new Raster8(in.width(), outHeight, in.channels(), out);
    }

    private static byte clip(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** For each output position: its first input tap, the number of taps, and their fixed-point weights. */
    private static final class Taps {
        final int[] first;
        final int[] count;
        final int[] weights;
        final int size;

        private Taps(int[] first, int[] count, int[] weights, int size) {
            this.first = first;
            this.count = count;
            this.weights = weights;
            this.size = size;
        }

        static Taps of(int inSize, int outSize) {
            double scale = (double) (float) inSize / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = filterscale; // the bilinear filter's support is 1
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * size];
            double[] w = new double[size];
            for (int x = 0; x < outSize; x++) {
                double center = (x + 0.5) * scale;
                double ss = 1.0 / filterscale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize) - min;
                double sum = 0;
                for (int t = 0; t < max; t++) {
                    w[t] = triangle((t + min - center + 0.5) * ss);
                    sum += w[t];
                }
                for (int t = 0; t < max; t++) {
                    double normalized = sum != 0 ? w[t] / sum : w[t];
                    weights[x * size + t] = (int) (normalized < 0 ? -0.5 + normalized * (1 << PRECISION_BITS)
                            : 0.5 + normalized * (1 << PRECISION_BITS));
                }
                first[x] = min;
                count[x] = max;
            }
            return new Taps(first, count, weights, size);
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }
}
