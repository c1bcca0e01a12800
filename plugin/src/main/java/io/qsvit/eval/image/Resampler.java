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
    /** Each 8-bit value as a double: a table lookup is cheaper than a conversion in the horizontal pass. */
    private static final double[] BYTE_VALUES = java.util.stream.IntStream.range(0, 256).asDoubleStream().toArray();

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
        if (vertical == null && horizontal == null) {
            return crop(in, left, top, w, h);
        }
        int firstRow = vertical != null ? vertical.first[0] : top;
        int lastRow = vertical != null ? vertical.first[h - 1] + vertical.count[h - 1] : top + h;
        int[][] rows = horizontal != null ? horizontal(in, horizontal, firstRow, lastRow)
                : rows(in, left, w, firstRow, lastRow);
        return vertical != null ? vertical(rows, vertical, firstRow, w, in.channels())
                : pack(rows, w, in.channels());
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

    /** Rows [firstRow, lastRow) of the window's columns as the vertical pass takes them. */
    private static int[][] rows(Raster8 in, int left, int w, int firstRow, int lastRow) {
        int channels = in.channels();
        byte[] src = in.data();
        int[][] rows = new int[lastRow - firstRow][w * channels];
        for (int y = firstRow; y < lastRow; y++) {
            int[] row = rows[y - firstRow];
            int at = (y * in.width() + left) * channels;
            for (int i = 0; i < row.length; i++) {
                row[i] = src[at + i] & 0xff;
            }
        }
        return rows;
    }

    /**
     * The horizontal pass over rows [firstRow, lastRow): one int array per row holding 8-bit values (PIL's
     * intermediate), so that the vertical pass runs over whole arrays, which the JIT vectorizes.
     */
    private static int[][] horizontal(Raster8 in, Taps taps, int firstRow, int lastRow) {
        int channels = in.channels();
        int inRow = in.width() * channels;
        int outWidth = taps.first.length;
        byte[] src = in.data();
        int[][] rows = new int[lastRow - firstRow][outWidth * channels];
        int[] first = taps.first;
        int[] count = taps.count;
        int[] weights = taps.weights;
        double[] exact = taps.exactWeights();
        int size = taps.size;
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = firstRow; y < lastRow; y++) {
            int rowStart = y * inRow;
            int[] out = rows[y - firstRow];
            int to = 0;
            if (channels == 3) {
                for (int x = 0; x < outWidth; x++, to += 3) {
                    horizontalRgb(src, rowStart + first[x] * 3, exact, x * size, x * size + count[x], out, to);
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
        return rows;
    }

    /**
     * One RGB output pixel of the horizontal pass. The sums are doubles holding integers below 2^31 (8-bit values
     * times non-negative weights that add up to about 2^22), which doubles represent exactly whatever the order of
     * the additions, so they equal PIL's int sums. Doubles, two taps per step, because that ran about 20% faster
     * than int sums on the development machine (docs/benchmarks.md).
     */
    private static void horizontalRgb(byte[] src, int at, double[] weights, int from, int to, int[] out, int into) {
        double[] value = BYTE_VALUES;
        double r = 1 << (PRECISION_BITS - 1);
        double g = r;
        double b = r;
        double r2 = 0;
        double g2 = 0;
        double b2 = 0;
        int k = from;
        for (; k + 1 < to; k += 2, at += 6) {
            double w = weights[k];
            double w2 = weights[k + 1];
            r += value[src[at] & 0xff] * w;
            g += value[src[at + 1] & 0xff] * w;
            b += value[src[at + 2] & 0xff] * w;
            r2 += value[src[at + 3] & 0xff] * w2;
            g2 += value[src[at + 4] & 0xff] * w2;
            b2 += value[src[at + 5] & 0xff] * w2;
        }
        if (k < to) {
            double w = weights[k];
            r += value[src[at] & 0xff] * w;
            g += value[src[at + 1] & 0xff] * w;
            b += value[src[at + 2] & 0xff] * w;
        }
        out[into] = clip((long) (r + r2));
        out[into + 1] = clip((long) (g + g2));
        out[into + 2] = clip((long) (b + b2));
    }

    /** The vertical pass: whole-row multiply-adds (each row its own array, so the JIT vectorizes them). */
    private static Raster8 vertical(int[][] rows, Taps taps, int rowOffset, int width, int channels) {
        int row = width * channels;
        int outHeight = taps.first.length;
        byte[] out = new byte[outHeight * row];
        int[] acc = new int[row];
        for (int y = 0; y < outHeight; y++) {
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            int k = y * taps.size;
            int first = taps.first[y] - rowOffset;
            for (int t = 0; t < taps.count[y]; t++) {
                multiplyAdd(acc, rows[first + t], taps.weights[k + t]);
            }
            int to = y * row;
            for (int i = 0; i < row; i++) {
                out[to + i] = (byte) clip(acc[i]);
            }
        }
        return new Raster8(width, outHeight, channels, out);
    }

    private static void multiplyAdd(int[] acc, int[] row, int weight) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += row[i] * weight;
        }
    }

    private static Raster8 pack(int[][] rows, int width, int channels) {
        int row = width * channels;
        byte[] out = new byte[rows.length * row];
        for (int y = 0; y < rows.length; y++) {
            for (int i = 0; i < row; i++) {
                out[y * row + i] = (byte) rows[y][i];
            }
        }
        return new Raster8(width, rows.length, channels, out);
    }

    private static int clip(long sum) {
        long v = sum >> PRECISION_BITS;
        return v < 0 ? 0 : (int) Math.min(v, 255);
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

        /** The weights as doubles, for sums computed in doubles. */
        double[] exactWeights() {
            return java.util.Arrays.stream(weights).asDoubleStream().toArray();
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
