package io.qsvit.eval.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Our own writers of the event formats we read, for test files, and random event streams to write. */
public final class EventFiles {
    private EventFiles() {
    }

    /** Events as plain arrays (what a writer takes and what a reader must give back). */
    public record Events(int[] x, int[] y, long[] t, int[] p) {
        public int size() {
            return t.length;
        }

        public static Events of(EventStream s) {
            int n = s.size();
            Events e = new Events(new int[n], new int[n], new long[n], new int[n]);
            for (int i = 0; i < n; i++) {
                e.x[i] = s.x(i);
                e.y[i] = s.y(i);
                e.t[i] = s.t(i);
                e.p[i] = s.polarity(i);
            }
            return e;
        }
    }

    /** n events on a width x height sensor, times from t0 rising by 0..maxStep us, random polarity. */
    public static Events random(Random random, int n, int width, int height, long t0, int maxStep) {
        Events e = new Events(new int[n], new int[n], new long[n], new int[n]);
        long t = t0;
        for (int i = 0; i < n; i++) {
            t += random.nextInt(maxStep + 1);
            e.x[i] = random.nextInt(width);
            e.y[i] = random.nextInt(height);
            e.t[i] = t;
            e.p[i] = random.nextInt(2);
        }
        return e;
    }

    /**
     * N-MNIST binary; timestamps at or past 2^23 are written with overflow markers (y = 240) as the format's
     * readers undo them: each marker adds 2^13 to every later event.
     */
    public static byte[] nmnist(Events e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        for (int i = 0; i < e.size(); i++) {
            while (e.t[i] - offset >= 1L << 23) {
                out.writeBytes(new byte[] {0, (byte) 240, 0, 0, 0});
                offset += 1L << 13;
            }
            long t = e.t[i] - offset;
            out.writeBytes(new byte[] {(byte) e.x[i], (byte) e.y[i], (byte) (e.p[i] << 7 | (int) (t >>> 16)),
                    (byte) (t >>> 8), (byte) t});
        }
        return out.toByteArray();
    }

    /** AEDAT 2.0 as a DVS128 (CIFAR10-DVS) writes it: the inverse of the reader's orientation. */
    public static byte[] aedat2(Events e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("#!AER-DAT2.0\r\n# This is a raw AE data file - do not edit\r\n"
                + "# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event\r\n"
                + "# Timestamps tick is 1 us\r\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer data = ByteBuffer.allocate(8 * e.size());
        for (int i = 0; i < e.size(); i++) {
            int row = 127 - e.x[i];
            int column = 127 - e.y[i];
            data.putInt(row << 8 | column << 1 | (1 - e.p[i]));
            data.putInt((int) e.t[i]);
        }
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    /**
     * AEDAT 3.1 with polarity packets of at most {@code perPacket} events (split where the timestamp overflow
     * counter changes), a special-event packet after the first, and an invalid event in each polarity packet,
     * which the reader must skip.
     */
    public static byte[] aedat31(Events e, int perPacket) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n#Start-Time: 2017-01-01\r\n"
                + "#!END-HEADER\r\n").getBytes(StandardCharsets.US_ASCII));
        int i = 0;
        int packets = 0;
        while (i < e.size()) {
            long overflow = e.t[i] >>> 31;
            int end = i;
            while (end < e.size() && end - i < perPacket && e.t[end] >>> 31 == overflow) {
                end++;
            }
            int number = end - i + 1;                       // + one invalid event
            ByteBuffer packet = ByteBuffer.allocate(28 + 8 * number).order(ByteOrder.LITTLE_ENDIAN);
            packet.putShort((short) 1).putShort((short) 1).putInt(8).putInt(4).putInt((int) overflow)
                    .putInt(number).putInt(number).putInt(number - 1);
            for (int k = i; k < end; k++) {
                if (k == i + 1 || (k == i && end - i == 1)) {
                    packet.putInt(5 << 17 | 7 << 2 | 1 << 1).putInt((int) (e.t[k] & 0x7fffffffL)); // invalid
                }
                packet.putInt(e.x[k] << 17 | e.y[k] << 2 | e.p[k] << 1 | 1).putInt((int) (e.t[k] & 0x7fffffffL));
            }
            out.writeBytes(packet.array());
            if (packets++ == 0) {
                ByteBuffer special = ByteBuffer.allocate(28 + 8).order(ByteOrder.LITTLE_ENDIAN);
                special.putShort((short) 0).putShort((short) 1).putInt(8).putInt(4).putInt(0).putInt(1).putInt(1)
                        .putInt(1).putInt(1).putInt(0);
                out.writeBytes(special.array());
            }
            i = end;
        }
        return out.toByteArray();
    }

    /** A DVS Gesture label file for windows {class (from 1), start, end}. */
    public static String labels(List<long[]> windows) {
        StringBuilder s = new StringBuilder("class,startTime_usec,endTime_usec\r\n");
        for (long[] w : windows) {
            s.append(w[0]).append(',').append(w[1]).append(',').append(w[2]).append("\r\n");
        }
        return s.toString();
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }
}
