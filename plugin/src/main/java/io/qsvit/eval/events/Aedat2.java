package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Reads AEDAT 2.0 recordings of a DVS128 sensor as CIFAR10-DVS ships them: after the '#' header lines, 8-byte
 * events of a big-endian 32-bit address and a big-endian 32-bit timestamp (microseconds). The address holds
 * polarity in bit 0, a column in bits 1-7 and a row in bits 8-14; like SpikingJelly's CIFAR10-DVS loader, which
 * the papers' results use, the stream is turned to the datasets' orientation: x = 127 - row, y = 127 - column,
 * and the polarity inverted (the DVS128 marks OFF with 1).
 */
public final class Aedat2 {
    static final int EVENT_BYTES = 8;
    static final int SENSOR = 128;

    private Aedat2() {
    }

    public static EventStream read(Path file) {
        byte[] bytes = NmnistBinary.readAll(file);
        return parse(bytes, AedatHeader.parse(bytes, file), file);
    }

    /** The events in {@code bytes}, the content of {@code file}, whose header is {@code header}. */
    public static EventStream parse(byte[] bytes, AedatHeader header, Path file) {
        if (header.major() != 2) {
            throw new UserInputException(file + " is AEDAT " + header.major() + "." + header.minor()
                    + ", not 2.0");
        }
        int length = bytes.length - header.dataOffset();
        if (length % EVENT_BYTES != 0) {
            throw new UserInputException(file + " is cut mid-event: " + length + " data bytes is not a whole number"
                    + " of " + EVENT_BYTES + "-byte AEDAT 2.0 events (" + length % EVENT_BYTES + " bytes left over)");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, header.dataOffset(), length);   // big-endian, AEDAT 2.0's order
        EventStream.Builder events = new EventStream.Builder(file.toString(), length / EVENT_BYTES);
        while (data.hasRemaining()) {
            int address = data.getInt();
            long t = data.getInt() & 0xffffffffL;
            int column = (address & 0xfe) >>> 1;
            int row = (address & 0x7f00) >>> 8;
            events.add(SENSOR - 1 - row, SENSOR - 1 - column, t, 1 - (address & 1));
        }
        return events.build();
    }
}
