package io.qsvit.eval.image;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.util.List;

/**
 * Decodes JPEGs with libjpeg-turbo's TurboJPEG API where the system has it (Debian's {@code libturbojpeg0}), called
 * through JNA: the library PIL decodes JPEGs with (Debian's Pillow links libjpeg-turbo), so the samples are PIL's,
 * and about three times as fast as ImageIO's JPEG reader (IJG libjpeg 6b without SIMD) on our benchmark files.
 * Accurate integer IDCT and fancy upsampling, TurboJPEG's defaults and libjpeg's, as PIL decodes. Grey, YCbCr and
 * RGB JPEGs only; everything else, every file TurboJPEG refuses or warns about (a truncated file, a damaged one,
 * more than 500 progressive scans), and every machine without the library or without JNA (a bare DJL Serving
 * class path) goes to ImageIO, whose errors and samples are what qsvit gave before. The system property
 * {@code qsvit.turbojpeg=false} turns it off.
 */
final class TurboJpeg {
    private static final int PF_RGB = 0;
    private static final int PF_GRAY = 6;
    private static final int CS_RGB = 0;
    private static final int CS_YCBCR = 1;
    private static final int CS_GRAY = 2;
    /** Stop at the first warning (a truncated file) rather than return grey-filled rows. */
    private static final int FLAG_STOP_ON_WARNING = 8192;
    /** Refuse progressive JPEGs of more than 500 scans (libjpeg-turbo's guard against decode-time bombs). */
    private static final int FLAG_LIMIT_SCANS = 16384;
    private static final String LIBRARY = probe();

    private TurboJpeg() {
    }

    /** The library in use, as the benchmark reports it, or null when JPEGs go to ImageIO. */
    static String library() {
        return LIBRARY;
    }

    /**
     * The file's samples with {@code channels} 3 (RGB) or 1 (grey: a grey JPEG's samples; a colour one's PIL luma),
     * or null when ImageIO must decode it.
     *
     * @param maxPixels the largest width x height decoded (larger: ImageIO, which refuses it with its message)
     */
    static Raster8 decode(byte[] jpeg, int channels, long maxPixels) {
        if (LIBRARY == null || jpeg.length < 2 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
            return null;
        }
        return Api.decode(jpeg, channels, maxPixels);
    }

    private static String probe() {
        if (!Boolean.parseBoolean(System.getProperty("qsvit.turbojpeg", "true"))) {
            return null;
        }
        try {
            return Api.load();
        } catch (LinkageError | RuntimeException e) {
            return null; // no libturbojpeg, or no JNA on the class path
        }
    }

    /**
     * The four TurboJPEG functions, bound by JNA's direct mapping; the only class that names JNA's types, so that
     * {@link TurboJpeg} loads on a class path without JNA.
     */
    private static final class Api {
        private static String loaded;

        static Raster8 decode(byte[] jpeg, int channels, long maxPixels) {
            Pointer handle = tjInitDecompress();
            if (handle == null) {
                return null;
            }
            try {
                NativeLong size = new NativeLong(jpeg.length);
                int[] width = new int[1];
                int[] height = new int[1];
                int[] subsampling = new int[1];
                int[] colorspace = new int[1];
                if (tjDecompressHeader3(handle, jpeg, size, width, height, subsampling, colorspace) != 0) {
                    return null;
                }
                long pixels = (long) width[0] * height[0];
                boolean grey = colorspace[0] == CS_GRAY;
                if (!grey && colorspace[0] != CS_YCBCR && colorspace[0] != CS_RGB || pixels <= 0 || pixels > maxPixels) {
                    return null;
                }
                // a colour file decodes to RGB even for grey samples: PIL's convert('L') takes the luma of RGB, not Y
                int decoded = grey ? channels : 3;
                byte[] samples = new byte[Math.toIntExact(pixels * decoded)];
                if (tjDecompress2(handle, jpeg, size, samples, width[0], width[0] * decoded, height[0],
                        decoded == 1 ? PF_GRAY : PF_RGB, FLAG_STOP_ON_WARNING | FLAG_LIMIT_SCANS) != 0) {
                    return null;
                }
                Raster8 raster = new Raster8(width[0], height[0], decoded, samples);
                return decoded == channels ? raster : PixelConversion.luma(raster);
            } finally {
                tjDestroy(handle);
            }
        }

        static synchronized String load() {
            if (loaded == null) {
                UnsatisfiedLinkError missing = null;
                for (String name : List.of("turbojpeg", "libturbojpeg.so.0")) {
                    try {
                        NativeLibrary library = NativeLibrary.getInstance(name);
                        Native.register(Api.class, library);
                        loaded = "libjpeg-turbo (TurboJPEG, " + library.getFile() + ")";
                        return loaded;
                    } catch (UnsatisfiedLinkError e) {
                        missing = e;
                    }
                }
                throw missing;
            }
            return loaded;
        }

        static native Pointer tjInitDecompress();

        static native int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, int[] width, int[] height,
                                              int[] subsampling, int[] colorspace);

        static native int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, byte[] samples, int width,
                                        int pitch, int height, int pixelFormat, int flags);

        static native int tjDestroy(Pointer handle);
    }
}
