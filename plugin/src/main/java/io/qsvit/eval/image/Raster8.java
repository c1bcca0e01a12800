package io.qsvit.eval.image;

/** An 8-bit image: {@code channels} (1 grey, 3 RGB) interleaved samples per pixel, row after row. */
record Raster8(int width, int height, int channels, byte[] data) {
    Raster8 {
        if ((long) width * height * channels != data.length) {
            throw new IllegalArgumentException("raster size does not match " + width + "x" + height + "x" + channels);
        }
    }

    int sample(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xff;
    }
}
