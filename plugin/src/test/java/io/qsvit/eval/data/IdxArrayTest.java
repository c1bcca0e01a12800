package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdxArrayTest {
    /** A 2 x 2 x 3 unsigned-byte IDX file holding 0..11. */
    static byte[] smallIdx() {
        byte[] bytes = new byte[4 + 12 + 12];
        bytes[2] = 0x08;
        bytes[3] = 3;
        bytes[7] = 2;
        bytes[11] = 2;
        bytes[15] = 3;
        for (int i = 0; i < 12; i++) {
            bytes[16 + i] = (byte) i;
        }
        return bytes;
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void readsShapeAndValues(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("x-idx3-ubyte"), smallIdx());
        IdxArray array = IdxArray.read(file);
        assertArrayEquals(new int[] {2, 2, 3}, array.shape());
        assertEquals(6, array.itemSize());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, array.data());
    }

    @Test
    void gzipIsRecognisedByContentNotName(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("no-suffix"), gzip(smallIdx()));
        assertArrayEquals(IdxArray.parse(smallIdx(), "raw").data(), IdxArray.read(file).data());
    }

    @Test
    void truncatedDataIsReportedWithSizes() {
        byte[] truncated = java.util.Arrays.copyOf(smallIdx(), 24);
        UserInputException e = assertThrows(UserInputException.class, () -> IdxArray.parse(truncated, "f"));
        assertEquals("f: IDX shape [2, 2, 3] needs 12 bytes of data, the file has 8 (truncated)", e.getMessage());
    }

    @Test
    void badMagicIsRejected() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0};
        assertEquals("f is not an IDX file (bad magic number)",
                assertThrows(UserInputException.class, () -> IdxArray.parse(png, "f")).getMessage());
    }

    @Test
    void nonByteElementTypeIsRejected() {
        byte[] floats = smallIdx();
        floats[2] = 0x0D;
        assertEquals("f: IDX element type 0xd is not supported (only unsigned bytes, 0x08)",
                assertThrows(UserInputException.class, () -> IdxArray.parse(floats, "f")).getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("absent.gz");
        assertEquals("IDX file not found: " + missing,
                assertThrows(UserInputException.class, () -> IdxArray.read(missing)).getMessage());
    }
}
