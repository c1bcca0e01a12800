package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the data section of a C-order .npy file: integer arrays (labels) whole, in one pass through a
 * fixed-size buffer; pixel arrays a sample at a time, by position.
 */
final class NpyReader {
    private static final int CHUNK_BYTES = 1 << 20;

    private NpyReader() {
    }

    /**
     * Elements [first, first + n) as floats into {@code target} from position 0; unsigned bytes are scaled by
     * 1/255 to [0, 1], floats taken as they are. A positional read: safe from several threads at once.
     */
    static void readFloats(Path file, NpyHeader header, NpyDtype dtype, long first, int n, float[] target) {
        int size = dtype.type().bytes;
        ByteBuffer buffer = ByteBuffer.allocate(n * size).order(dtype.order());
        try (FileChannel channel = FileChannel.open(file)) {
            long position = header.dataOffset() + first * size;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position + buffer.position());
                if (read < 0) {
                    throw new UserInputException(file + " ended while being read (truncated?)");
                }
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read NPY file " + file + ": " + e.getMessage());
        }
        buffer.flip();
        switch (dtype.type()) {
            case FLOAT32 -> buffer.asFloatBuffer().get(target, 0, n);
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    target[i] = (float) buffer.getDouble();
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    target[i] = (buffer.get() & 0xff) / 255.0f;
                }
            }
            default -> throw new IllegalArgumentException("not a pixel type: " + dtype);
        }
    }

    /** The elements of an integer array, widened to long. */
    static long[] readLongs(Path file, NpyHeader header, NpyDtype dtype) {
        long[] values = new long[checkedCount(file, header, dtype)];
        stream(file, header, dtype, (buffer, from, n) -> {
            for (int i = from; i < from + n; i++) {
                values[i] = switch (dtype.type()) {
                    case UINT8 -> buffer.get() & 0xff;
                    case INT32 -> buffer.getInt();
                    case INT64 -> buffer.getLong();
                    default -> throw new IllegalArgumentException("not an integer type: " + dtype);
                };
            }
        });
        return values;
    }

    private interface Chunk {
        /** Consumes {@code n} elements from {@code buffer} (in file byte order) into positions from.. */
        void take(ByteBuffer buffer, int from, int n);
    }

    /** Checks layout and data size before the result array is allocated, and returns the element count. */
    static int checkedCount(Path file, NpyHeader header, NpyDtype dtype) {
        long count = checkLayout(file, header, dtype);
        if (count > Integer.MAX_VALUE - 8) {
            throw new UserInputException(file + ": shape " + Arrays.toString(header.shape()) + " holds " + count
                    + " values, more than one Java array can hold");
        }
        return (int) count;
    }

    /** Checks that the array is C-order and that the file holds exactly its data; returns the element count. */
    static long checkLayout(Path file, NpyHeader header, NpyDtype dtype) {
        if (header.fortranOrder()) {
            throw new UserInputException(file + ": Fortran-order arrays are not supported"
                    + " (save a C-order array, e.g. np.ascontiguousarray(a))");
        }
        long count = header.count();
        long needed = count * dtype.type().bytes;
        long found;
        try {
            found = Files.size(file) - header.dataOffset();
        } catch (IOException e) {
            throw new UserInputException("cannot read NPY file " + file + ": " + e.getMessage());
        }
        if (found != needed) {
            throw new UserInputException(file + ": shape " + Arrays.toString(header.shape()) + " of '"
                    + header.descr() + "' needs " + needed + " bytes of data, the file has " + found
                    + (found < needed ? " (truncated)" : ""));
        }
        return count;
    }

    private static void stream(Path file, NpyHeader header, NpyDtype dtype, Chunk chunk) {
        int count = (int) header.count();
        int size = dtype.type().bytes;
        try (FileChannel channel = FileChannel.open(file)) {
            channel.position(header.dataOffset());
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(dtype.order());
            for (int done = 0; done < count; ) {
                int n = Math.min(count - done, CHUNK_BYTES / size);
                buffer.clear().limit(n * size);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        throw new UserInputException(file + " ended while being read");
                    }
                }
                buffer.flip();
                chunk.take(buffer, done, n);
                done += n;
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read NPY file " + file + ": " + e.getMessage());
        }
    }
}
