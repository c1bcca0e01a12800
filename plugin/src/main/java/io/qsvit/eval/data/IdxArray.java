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

    /** The largest array Java holds: an IDX file declaring more data is refused before anything is read. */
    static final long MAX_DATA = Integer.MAX_VALUE - 8;

    public static IdxArray read(Path file) {
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int first = raw.read();
            int second = raw.read();
            raw.reset();
            boolean gzip = first == 0x1f && second == 0x8b;
            try (InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
                return parse(in, file.toString());
            }
        } catch (NoSuchFileException e) {
            throw new UserInputException("IDX file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read IDX file " + file + ": " + e.getMessage());
        }
    }

    static IdxArray parse(byte[] bytes, String source) {
        try {
            return parse(new ByteArrayInputStream(bytes), source);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array does not fail to read", e);
        }
    }

    /**
     * Reads the header, then exactly the data it declares (never more than that is held, so a small compressed
     * file cannot expand into more memory than its own header admits).
     */
    private static IdxArray parse(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4 || magic[0] != 0 || magic[1] != 0) {
            throw new UserInputException(source + " is not an IDX file (bad magic number)");
        }
        if (magic[2] != UNSIGNED_BYTE) {
            throw new UserInputException(source + ": IDX element type 0x" + Integer.toHexString(magic[2] & 0xff)
                    + " is not supported (only unsigned bytes, 0x08)");
        }
        int dims = magic[3] & 0xff;
        byte[] headerBytes = in.readNBytes(4 * dims);
        if (dims < 1 || headerBytes.length < 4 * dims) {
            throw new UserInputException(source + ": IDX header is truncated or declares " + dims + " dimensions");
        }
        ByteBuffer header = ByteBuffer.wrap(headerBytes);
        int[] shape = new int[dims];
        long expected = 1;
        for (int i = 0; i < dims; i++) {
            shape[i] = header.getInt();
            if (shape[i] < 0) {
                throw new UserInputException(source + ": IDX dimension " + i + " is negative");
            }
            // saturating: a product past Long.MAX_VALUE is "too large", never a wrapped-around small number
            expected = expected == 0 || shape[i] == 0 ? 0
                    : expected > Long.MAX_VALUE / shape[i] ? Long.MAX_VALUE : expected * shape[i];
        }
        if (expected > MAX_DATA) {
            throw new UserInputException(source + ": IDX shape " + Arrays.toString(shape) + " declares " + expected
                    + " bytes, more than one array can hold");
        }
        byte[] data = in.readNBytes((int) expected); // grows as bytes arrive, never to the declared size at once
        long found = data.length;
        boolean more = false;
        if (found == expected) { // count what follows, up to a bound: a compressed tail may expand without end
            long extra = in.readNBytes(1 << 20).length;
            more = extra == 1 << 20 && in.read() >= 0;
            found += extra;
        }
        if (found != expected) {
            throw new UserInputException(source + ": IDX shape " + Arrays.toString(shape) + " needs " + expected
                    + " bytes of data, the file has " + (more ? "more than " : "") + found
                    + (found < expected ? " (truncated)" : ""));
        }
        return new IdxArray(shape, data);
    }
}
