package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the binary event files of N-MNIST and N-Caltech101 (Orchard et al. 2015, ATIS sensor): 40 bits per event,
 * byte 0 = x, byte 1 = y, bit 7 of byte 2 = polarity (1 = ON), and a 23-bit timestamp in microseconds from the
 * low 7 bits of byte 2 and bytes 3-4 (big-endian). An event with y = 240 is not an event but a timestamp-overflow
 * marker: 2^13 is added to the timestamps of every later event and the marker is dropped, exactly as the
 * datasets' own reader and its ports (tonic, SpikingJelly) do.
 */
public final class NmnistBinary {
    /** Bytes per event. */
    public static final int EVENT_BYTES = 5;
    static final int OVERFLOW_MARKER_Y = 240;
    static final long OVERFLOW_INCREMENT = 1L << 13;

    private NmnistBinary() {
    }

    public static EventStream read(Path file) {
        return parse(readAll(file), file);
    }

    /** The events in {@code bytes}, the content of {@code file}. */
    public static EventStream parse(byte[] bytes, Path file) {
        if (bytes.length % EVENT_BYTES != 0) {
            throw new UserInputException(file + " is cut mid-event: " + bytes.length + " bytes is not a whole number"
                    + " of " + EVENT_BYTES + "-byte N-MNIST events (" + bytes.length % EVENT_BYTES + " bytes left over)");
        }
        EventStream.Builder events = new EventStream.Builder(file.toString(), bytes.length / EVENT_BYTES);
        long overflow = 0;
        for (int i = 0; i < bytes.length; i += EVENT_BYTES) {
            int x = bytes[i] & 0xff;
            int y = bytes[i + 1] & 0xff;
            int b2 = bytes[i + 2] & 0xff;
            if (y == OVERFLOW_MARKER_Y) {
                overflow += OVERFLOW_INCREMENT;
                continue;
            }
            long t = ((long) (b2 & 0x7f) << 16 | (bytes[i + 3] & 0xff) << 8 | (bytes[i + 4] & 0xff)) + overflow;
            events.add(x, y, t, b2 >>> 7);
        }
        return events.build();
    }

    /** The whole file, with one-line errors for a missing or unreadable one. */
    public static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("event file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read event file " + file + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new UserInputException("event file " + file + " does not fit in memory");
        }
    }
}
