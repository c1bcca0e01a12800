package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.EventStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads one recording stored as the tonic library stores events: a one-dimensional NumPy structured array with
 * fields x, y, t and p (tonic's own dtype is x, y int16, t int64 microseconds, p bool; any integer widths, either
 * byte order, any field order and extra fields are accepted). Polarity is 0/False for OFF and 1/True for ON.
 */
public final class NpyEvents {
    private static final String[] FIELDS = {"x", "y", "t", "p"};

    private NpyEvents() {
    }

    public static EventStream read(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            return parse(NpyHeader.Source.of(channel), file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("event file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read event file " + file + ": " + e.getMessage());
        }
    }

    /** The events in {@code bytes}, the content of {@code source} (a served request). */
    public static EventStream parse(byte[] bytes, Path source) {
        try {
            return parse(NpyHeader.Source.of(bytes), source);
        } catch (IOException e) {
            throw new IllegalStateException("bytes in memory cannot fail to read", e);
        }
    }

    private static EventStream parse(NpyHeader.Source source, Path file) throws IOException {
        NpyHeader.Records records = NpyHeader.readRecords(source, file);
        NpyHeader header = records.header();
        if (header.shape().length != 1) {
            throw new UserInputException(file + ": events must be a one-dimensional structured array, the shape is "
                    + Arrays.toString(header.shape()));
        }
        Map<String, NpyHeader.Field> fields = new HashMap<>();
        records.fields().forEach(f -> fields.put(f.name(), f));
        for (String name : FIELDS) {
            NpyHeader.Field f = fields.get(name);
            if (f == null) {
                throw new UserInputException(file + ": the structured array has no field '" + name
                        + "' (tonic events have x, y, t and p)");
            }
            boolean integer = f.kind() == 'i' || f.kind() == 'u' || (f.kind() == 'b' && name.equals("p"));
            if (!integer || f.bytes() > 8 || (f.kind() == 'b' && f.bytes() != 1)) {
                throw new UserInputException(file + ": field '" + name + "' is " + f.kind() + f.bytes()
                        + "; whole numbers are expected (a bool also for p)");
            }
        }
        int count = header.shape()[0];
        long needed = (long) count * records.recordBytes();
        long have = Math.max(0, source.size() - header.dataOffset());
        if (needed > have) { // before allocating what the header claims
            throw new UserInputException(file + " is cut mid-event: " + count + " events of "
                    + records.recordBytes() + " bytes need " + needed + " bytes, " + have + " are there");
        }
        byte[] data = new byte[(int) Math.min(needed, Integer.MAX_VALUE - 8)];
        if (needed > data.length) {
            throw new UserInputException(file + ": " + count + " events do not fit in memory at once");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        long position = header.dataOffset();
        while (buffer.hasRemaining()) {
            int n = source.read(buffer, position);
            if (n < 0) { // the file shrank while being read
                throw new UserInputException(file + " is cut mid-event: " + count + " events of "
                        + records.recordBytes() + " bytes need " + needed + " bytes, " + buffer.position()
                        + " are there");
            }
            position += n;
        }
        EventStream.Builder events = new EventStream.Builder(file.toString(), count);
        for (int i = 0; i < count; i++) {
            int base = i * records.recordBytes();
            long p = value(data, base, fields.get("p"));
            if (p != 0 && p != 1) {
                throw new UserInputException(file + ": event " + i + " has polarity " + p + "; 0 (OFF) or 1 (ON)"
                        + " expected");
            }
            long x = value(data, base, fields.get("x"));
            long y = value(data, base, fields.get("y"));
            if (x < 0 || y < 0 || x > Integer.MAX_VALUE || y > Integer.MAX_VALUE) {
                throw new UserInputException(file + ": event " + i + " at (x " + x + ", y " + y
                        + ") has a negative or huge coordinate");
            }
            events.add((int) x, (int) y, value(data, base, fields.get("t")), (int) p);
        }
        return events.build();
    }

    /** The integer in field {@code f} of the record at {@code base}, sign-extended for 'i', zero-extended else. */
    private static long value(byte[] data, int base, NpyHeader.Field f) {
        long v = 0;
        int start = base + f.offset();
        for (int k = 0; k < f.bytes(); k++) {
            int index = f.order() == ByteOrder.BIG_ENDIAN ? start + k : start + f.bytes() - 1 - k;
            v = v << 8 | (data[index] & 0xff);
        }
        if (f.kind() == 'i' && f.bytes() < 8) {
            int shift = 64 - 8 * f.bytes();
            v = v << shift >> shift;
        }
        return v;
    }
}
