package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Streams the data section of a C-order .npy file into a Java array in one pass through a fixed-size buffer,
 * so a 60000 x 28 x 28 array costs its result array and one megabyte.
 */
final class NpyReader {
    private static final int CHUNK_BYTES = 1 << 20;

    private NpyReader() {
    }

    /** The elements as floats; unsigned bytes are scaled by 1/255 to [0, 1], floats taken as they are. */
    static float[] readFloats(Path file, NpyHeader header, NpyDtype dtype) {
        float[] values = new float[checkedCount(file, header, dtype)];
        stream(file, header, dtype, (buffer, from, n) -> {
            switch (dtype.type()) {
                case FLOAT32 -> buffer.asFloatBuffer().get(values, from, n);
                case FLOAT64 -> {
                    for (int i = from; i < from + n; i++) {
                        values[i] = (float) buffer.getDouble();
                    }
                }
                case UINT8 -> {
                    for (int i = from; i < from + n; i++) {
                        values[i] = (buffer.get() & 0xff) / 255.0f;
                    }
                }
                default -> throw new IllegalArgumentException("not a pixel type: " + dtype);
            }
        });
        return values;
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
    private static int checkedCount(Path file, NpyHeader header, NpyDtype dtype) {
        if (header.fortranOrder()) {
            throw new UserInputException(file + ": Fortran-order arrays are not supported"
                    + " (save a C-order array, e.g. np.ascontiguousarray(a))");
        }
        long count = header.count();
        if (count > Integer.MAX_VALUE - 8) {
            throw new UserInputException(file + ": shape " + Arrays.toString(header.shape()) + " holds " + count
                    + " values, more than one Java array can hold");
        }
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
        return (int) count;
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
