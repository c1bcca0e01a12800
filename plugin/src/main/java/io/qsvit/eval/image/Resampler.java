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
        return resize(in, width, height, 0, 0, width, height);
    }

    /**
     * The window [left, left + w) x [top, top + h) of the image resized to width x height: the same pixels as
     * resizing all and cropping (each output pixel depends on its own taps only), without computing the rest.
     */
    static Raster8 resize(Raster8 in, int width, int height, int left, int top, int w, int h) {
        Taps vertical = height != in.height() ? Taps.of(in.height(), height).window(top, h) : null;
        Taps horizontal = width != in.width() ? Taps.of(in.width(), width).window(left, w) : null;
        int firstRow = vertical != null ? vertical.first[0] : top;
        int lastRow = vertical != null ? vertical.first[h - 1] + vertical.count[h - 1] : top + h;
        Raster8 image = horizontal != null ? horizontal(in, horizontal, firstRow, lastRow)
                : crop(in, left, firstRow, w, lastRow - firstRow);
        return vertical != null ? vertical(image, vertical, firstRow) : image;
    }

    private static Raster8 crop(Raster8 in, int left, int top, int w, int h) {
        if (left == 0 && top == 0 && w == in.width() && h == in.height()) {
            return in;
        }
        int channels = in.channels();
        byte[] out = new byte[w * h * channels];
        for (int y = 0; y < h; y++) {
            System.arraycopy(in.data(), ((top + y) * in.width() + left) * channels, out, y * w * channels, w * channels);
        }
        return new Raster8(w, h, channels, out);
    }

    private static Raster8 horizontal(Raster8 in, Taps taps, int firstRow, int lastRow) {
        int channels = in.channels();
        int inRow = in.width() * channels;
        int outWidth = taps.first.length;
        byte[] src = in.data();
        byte[] out = new byte[(lastRow - firstRow) * outWidth * channels];
        int[] first = taps.first;
        int[] count = taps.count;
        int[] weights = taps.weights;
        int size = taps.size;
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = firstRow; y < lastRow; y++) {
            int rowStart = y * inRow;
            int to = (y - firstRow) * outWidth * channels;
            // one loop per channel count: the JIT keeps the sums in registers
            if (channels == 3) {
                for (int x = 0; x < outWidth; x++) {
                    int r = half;
                    int g = half;
                    int b = half;
                    int k = x * size;
                    int at = rowStart + first[x] * 3;
                    for (int t = 0, n = count[x]; t < n; t++, at += 3) {
                        int w = weights[k + t];
                        r += (src[at] & 0xff) * w;
                        g += (src[at + 1] & 0xff) * w;
                        b += (src[at + 2] & 0xff) * w;
                    }
                    out[to++] = clip(r);
                    out[to++] = clip(g);
                    out[to++] = clip(b);
                }
            } else {
                for (int x = 0; x < outWidth; x++) {
                    int k = x * size;
                    for (int c = 0; c < channels; c++) {
                        int sum = half;
                        int at = rowStart + first[x] * channels + c;
                        for (int t = 0, n = count[x]; t < n; t++, at += channels) {
                            sum += (src[at] & 0xff) * weights[k + t];
                        }
                        out[to++] = clip(sum);
                    }
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

        /** The taps of output positions [from, from + n). */
        Taps window(int from, int n) {
            if (from == 0 && n == first.length) {
                return this;
            }
            return new Taps(java.util.Arrays.copyOfRange(first, from, from + n),
                    java.util.Arrays.copyOfRange(count, from, from + n),
                    java.util.Arrays.copyOfRange(weights, from * size, (from + n) * size), size);
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
