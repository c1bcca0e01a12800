package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An unsigned-byte array in the IDX format of (Fashion-)MNIST: magic 0x0000 08 D, D big-endian dimension
 * sizes, then the bytes in row-major order. Gzip-compressed files are recognised by their content.
 */
public record IdxArray(int[] shape, byte[] data) {
    private static final int UNSIGNED_BYTE = 0x08;

    public int count() {
        return shape[0];
    }

    /** Number of values in one item (product of all dimensions but the first). */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < shape.length; i++) {
            size *= shape[i];
        }
        return size;
    }

    public static IdxArray read(Path file) {
        byte[] bytes;
        try {
            bytes = decompressIfGzip(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UserInputException("IDX file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read IDX file " + file + ": " + e.getMessage());
        }
        return parse(bytes, file.toString());
    }

    static IdxArray parse(byte[] bytes, String source) {
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0) {
            throw new UserInputException(source + " is not an IDX file (bad magic number)");
        }
        if (bytes[2] != UNSIGNED_BYTE) {
            throw new UserInputException(source + ": IDX element type 0x" + Integer.toHexString(bytes[2] & 0xff)
                    + " is not supported (only unsigned bytes, 0x08)");
        }
        int dims = bytes[3] & 0xff;
        if (dims < 1 || bytes.length < 4 + 4 * dims) {
            throw new UserInputException(source + ": IDX header is truncated or declares " + dims + " dimensions");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 4, 4 * dims);
        int[] shape = new int[dims];
        long expected = 1;
        for (int i = 0; i < dims; i++) {
            shape[i] = header.getInt();
            if (shape[i] < 0) {
                throw new UserInputException(source + ": IDX dimension " + i + " is negative");
            }
            expected *= shape[i];
        }
        long found = bytes.length - 4L - 4L * dims;
        if (found != expected) {
            throw new UserInputException(source + ": IDX shape " + Arrays.toString(shape) + " needs " + expected
                    + " bytes of data, the file has " + found + (found < expected ? " (truncated)" : ""));
        }
        return new IdxArray(shape, Arrays.copyOfRange(bytes, 4 + 4 * dims, bytes.length));
    }

    private static byte[] decompressIfGzip(byte[] bytes) throws IOException {
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (!gzip) {
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
    }
}
