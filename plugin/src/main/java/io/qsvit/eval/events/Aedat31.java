package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads the polarity events of AEDAT 3.1 recordings (cAER; DVS Gesture ships in it). After the text header come
 * packets, each a 28-byte little-endian header (event type at bytes 0-1, source 2-3, event size 4-7, timestamp
 * offset 8-11, timestamp overflow 12-15, capacity 16-19, number of events 20-23, valid events 24-27) and capacity
 * x size bytes of events. Packets of type 1 hold polarity events: a 32-bit data word (bit 0 validity, bit 1
 * polarity, bits 2-16 y, bits 17-31 x) and a 32-bit timestamp, widened by the packet's overflow counter
 * (t = overflow << 31 | timestamp), as libcaer defines them. Invalid events (validity bit clear) are skipped as
 * libcaer's iterators skip them; packets of other types (special events, frames, IMU samples) are skipped whole.
 */
public final class Aedat31 {
    static final int PACKET_HEADER_BYTES = 28;
    static final int POLARITY_EVENT = 1;

    private Aedat31() {
    }

    public static EventStream read(Path file) {
        byte[] bytes = NmnistBinary.readAll(file);
        return parse(bytes, AedatHeader.parse(bytes, file), file);
    }

    /** The events in {@code bytes}, the content of {@code file}, whose header is {@code header}. */
    public static EventStream parse(byte[] bytes, AedatHeader header, Path file) {
        if (header.major() != 3) {
            throw new UserInputException(file + " is AEDAT " + header.major() + "." + header.minor() + ", not 3.1");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        EventStream.Builder events = new EventStream.Builder(file.toString(), (bytes.length - header.dataOffset()) / 8);
        int pos = header.dataOffset();
        int packet = 0;
        while (pos < bytes.length) {
            if (bytes.length - pos < PACKET_HEADER_BYTES) {
                throw cut(file, packet, "its " + PACKET_HEADER_BYTES + "-byte header has " + (bytes.length - pos));
            }
            int type = data.getShort(pos) & 0xffff;
            int size = data.getInt(pos + 4);
            int tsOffset = data.getInt(pos + 8);
            long overflow = data.getInt(pos + 12) & 0xffffffffL;
            int capacity = data.getInt(pos + 16);
            int number = data.getInt(pos + 20);
            if (size < 1 || capacity < 0 || number < 0 || number > capacity) {
                throw new UserInputException(file + ": packet " + packet + " has an impossible header (event size "
                        + size + ", capacity " + capacity + ", events " + number + ")");
            }
            long body = (long) capacity * size;
            int start = pos + PACKET_HEADER_BYTES;
            if (body > bytes.length - start) {
                throw cut(file, packet, capacity + " events of " + size + " bytes need " + body + " bytes, "
                        + (bytes.length - start) + " are left");
            }
            if (type == POLARITY_EVENT) {
                if (size < 8 || tsOffset != 4) {
                    throw new UserInputException(file + ": polarity packet " + packet + " has " + size
                            + "-byte events with the timestamp at offset " + tsOffset + " (8 and 4 expected)");
                }
                for (int e = 0; e < number; e++) {
                    int at = start + e * size;
                    int word = data.getInt(at);
                    if ((word & 1) == 0) {
                        continue;
                    }
                    long t = overflow << 31 | (data.getInt(at + tsOffset) & 0xffffffffL);
                    events.add(word >>> 17 & 0x7fff, word >>> 2 & 0x7fff, t, word >>> 1 & 1);
                }
            }
            pos = (int) (start + body);
            packet++;
        }
        return events.build();
    }

    private static UserInputException cut(Path file, int packet, String what) {
        return new UserInputException(file + " is cut mid-packet: packet " + packet + " is incomplete (" + what + ")");
    }
}
