package io.qsvit.eval.image;

/**
 * Reads the EXIF orientation tag (0x0112, values 1..8) from an image file's bytes, where the formats keep
 * EXIF: a JPEG's APP1 "Exif" segment, a PNG's eXIf chunk, a WebP's EXIF chunk; and turns a raster upright as
 * PIL's {@code ImageOps.exif_transpose} does. Anything missing or malformed reads as 1 (upright): an odd EXIF
 * block must not make a decodable image unusable.
 */
final class ExifOrientation {
    private static final int TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation the file records, 1 where it records none. */
    static int of(byte[] file) {
        try {
            int tiff = tiffStart(file);
            return tiff < 0 ? 1 : fromTiff(file, tiff);
        } catch (IndexOutOfBoundsException e) {
            return 1;
        }
    }

    /** The raster turned upright for {@code orientation}. */
    static Raster8 apply(Raster8 in, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return in;
        }
        boolean swap = orientation >= 5;
        int w = swap ? in.height() : in.width();
        int h = swap ? in.width() : in.height();
        int channels = in.channels();
        byte[] out = new byte[in.data().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // the source pixel of output (x, y), for each of PIL's transposes
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = in.width() - 1 - x; sy = y; }            // mirror left-right
                    case 3 -> { sx = in.width() - 1 - x; sy = in.height() - 1 - y; } // rotate 180
                    case 4 -> { sx = x; sy = in.height() - 1 - y; }           // mirror top-bottom
                    case 5 -> { sx = y; sy = x; }                             // transpose
                    case 6 -> { sx = y; sy = in.height() - 1 - x; }           // rotate 90 clockwise
                    case 7 -> { sx = in.width() - 1 - y; sy = in.height() - 1 - x; } // transverse
                    default -> { sx = in.width() - 1 - y; sy = x; }           // 8: rotate 90 counter-clockwise
                }
                System.arraycopy(in.data(), (sy * in.width() + sx) * channels, out, (y * w + x) * channels, channels);
            }
        }
        return new Raster8(w, h, channels, out);
    }

    /** Offset of the TIFF header inside the file's EXIF block, or -1. */
    private static int tiffStart(byte[] f) {
        if (f.length > 4 && (f[0] & 0xff) == 0xFF && (f[1] & 0xff) == 0xD8) {
            int at = 2;
            while (at + 4 <= f.length && (f[at] & 0xff) == 0xFF) {
                int marker = f[at + 1] & 0xff;
                if (marker == 0xDA || marker == 0xD9) {
                    return -1; // start of scan: no EXIF before the image data
                }
                int length = u16(f, at + 2, true);
                if (marker == 0xE1 && length >= 8 && f[at + 4] == 'E' && f[at + 5] == 'x' && f[at + 6] == 'i'
                        && f[at + 7] == 'f' && f[at + 8] == 0 && f[at + 9] == 0) {
                    return at + 10;
                }
                at += 2 + length;
            }
            return -1;
        }
        if (f.length > 8 && (f[0] & 0xff) == 0x89 && f[1] == 'P' && f[2] == 'N' && f[3] == 'G') {
            for (int at = 8; at + 8 <= f.length; ) {
                int length = (int) u32(f, at, true);
                if (f[at + 4] == 'e' && f[at + 5] == 'X' && f[at + 6] == 'I' && f[at + 7] == 'f') {
                    return at + 8;
                }
                if (f[at + 4] == 'I' && f[at + 5] == 'D' && f[at + 6] == 'A' && f[at + 7] == 'T' || length < 0) {
                    return -1;
                }
                at += 12 + length;
            }
            return -1;
        }
        if (f.length > 12 && f[0] == 'R' && f[1] == 'I' && f[2] == 'F' && f[3] == 'F' && f[8] == 'W' && f[9] == 'E'
                && f[10] == 'B' && f[11] == 'P') {
            for (int at = 12; at + 8 <= f.length; ) {
                int length = (int) u32(f, at + 4, false);
                if (f[at] == 'E' && f[at + 1] == 'X' && f[at + 2] == 'I' && f[at + 3] == 'F') {
                    int start = at + 8;
                    // some writers keep JPEG's "Exif\0\0" prefix in the chunk
                    return f[start] == 'E' && f[start + 1] == 'x' ? start + 6 : start;
                }
                if (length < 0) {
                    return -1;
                }
                at += 8 + length + (length & 1);
            }
        }
        return -1;
    }

    private static int fromTiff(byte[] f, int tiff) {
        boolean bigEndian;
        if (f[tiff] == 'M' && f[tiff + 1] == 'M') {
            bigEndian = true;
        } else if (f[tiff] == 'I' && f[tiff + 1] == 'I') {
            bigEndian = false;
        } else {
            return 1;
        }
        long ifd = u32(f, tiff + 4, bigEndian);
        if (ifd < 8 || tiff + ifd + 2 > f.length) {
            return 1;
        }
        int at = (int) (tiff + ifd);
        int entries = u16(f, at, bigEndian);
        for (int i = 0; i < entries; i++) {
            int entry = at + 2 + i * 12;
            if (u16(f, entry, bigEndian) == TAG) {
                int value = u16(f, entry + 8, bigEndian); // type SHORT, count 1: the value sits in the entry
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] f, int at, boolean bigEndian) {
        int a = f[at] & 0xff;
        int b = f[at + 1] & 0xff;
        return bigEndian ? a << 8 | b : b << 8 | a;
    }

    private static long u32(byte[] f, int at, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = bigEndian ? v << 8 | (f[at + i] & 0xff) : v | (long) (f[at + i] & 0xff) << (8 * i);
        }
        return v;
    }
}
