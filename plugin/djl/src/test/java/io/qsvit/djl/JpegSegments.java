package io.qsvit.djl;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** JPEG files as cameras and editors write them: with an embedded ICC profile, with EXIF orientation. */
final class JpegSegments {
    private JpegSegments() {
    }

    static byte[] jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** The JPEG with Java's linear-RGB profile in an APP2 ICC_PROFILE segment after its APP0. */
    static byte[] withIccProfile(byte[] jpeg) {
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        ByteBuffer segment = ByteBuffer.allocate(4 + 14 + profile.length);
        segment.put((byte) 0xFF).put((byte) 0xE2).putShort((short) (2 + 14 + profile.length));
        segment.put("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1).put(profile);
        return insertAfterApp0(jpeg, segment.array());
    }

    /** The JPEG with an APP1 EXIF segment after its APP0 whose one tag is the orientation (1 to 8). */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8); // header, first IFD at 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0); // no next IFD
        ByteBuffer segment = ByteBuffer.allocate(4 + 6 + tiff.capacity());
        segment.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + tiff.capacity()));
        segment.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put(tiff.array());
        return insertAfterApp0(jpeg, segment.array());
    }

    private static byte[] insertAfterApp0(byte[] jpeg, byte[] segment) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        }
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, at);
        System.arraycopy(segment, 0, out, at, segment.length);
        System.arraycopy(jpeg, at, out, at + segment.length, jpeg.length - at);
        return out;
    }
}
