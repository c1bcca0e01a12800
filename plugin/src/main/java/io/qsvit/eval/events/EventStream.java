package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.util.Arrays;

/**
 * The events of one recording (or of a labelled time window of one), in time order: pixel column x, pixel row
 * y, timestamp t in microseconds and polarity p (1 = ON, brightness up; 0 = OFF). Built only through
 * {@link Builder}, which refuses timestamps that go backwards, so every stream is ordered.
 */
public final class EventStream {
    private final int[] x;
    private final int[] y;
    private final long[] t;
    private final byte[] p;
    private final int from;
    private final int to;
    private final String source;

    private EventStream(int[] x, int[] y, long[] t, byte[] p, int from, int to, String source) {
        this.x = x;
        this.y = y;
        this.t = t;
        this.p = p;
        this.from = from;
        this.to = to;
        this.source = source;
    }

    public int size() {
        return to - from;
    }

    public int x(int i) {
        return x[from + i];
    }

    public int y(int i) {
        return y[from + i];
    }

    public long t(int i) {
        return t[from + i];
    }

    /** 1 for ON, 0 for OFF. */
    public int polarity(int i) {
        return p[from + i];
    }

    /** The file (and window) the events come from, for messages. */
    public String source() {
        return source;
    }

    /** Index of the first event at or after {@code time}; {@link #size()} if none. */
    public int firstAtOrAfter(long time) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t[mid] < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - from;
    }

    /** The events with start <= t < end, sharing this stream's arrays. */
    public EventStream window(long start, long end, String windowSource) {
        int lo = from + firstAtOrAfter(start);
        int hi = Math.max(lo, from + firstAtOrAfter(end));
        return new EventStream(x, y, t, p, lo, hi, windowSource);
    }

    /** Refuses the first event outside a width x height sensor, naming the source. */
    public void checkInside(int width, int height) {
        for (int i = from; i < to; i++) {
            if (x[i] < 0 || x[i] >= width || y[i] < 0 || y[i] >= height) {
                throw new UserInputException(source + ": event " + (i - from) + " at (x " + x[i] + ", y " + y[i]
                        + ") is outside the " + width + "x" + height + " (width x height) sensor; give the"
                        + " recording's sensor size (--sensor WIDTHxHEIGHT)");
            }
        }
    }

    /** Collects events as a reader decodes them; {@link #build} checks their order. */
    public static final class Builder {
        private final String source;
        private int[] x;
        private int[] y;
        private long[] t;
        private byte[] p;
        private int size;

        public Builder(String source, int expected) {
            this.source = source;
            int capacity = Math.max(16, expected);
            x = new int[capacity];
            y = new int[capacity];
            t = new long[capacity];
            p = new byte[capacity];
        }

        public void add(int ex, int ey, long et, int ep) {
            if (size == x.length) {
                int capacity = Math.max(size + 1, (int) Math.min(Integer.MAX_VALUE - 8, 2L * size));
                x = Arrays.copyOf(x, capacity);
                y = Arrays.copyOf(y, capacity);
                t = Arrays.copyOf(t, capacity);
                p = Arrays.copyOf(p, capacity);
            }
            x[size] = ex;
            y[size] = ey;
            t[size] = et;
            p[size] = (byte) (ep == 0 ? 0 : 1);
            size++;
        }

        public int size() {
            return size;
        }

        /** The stream; refuses a timestamp smaller than the one before it. */
        public EventStream build() {
            for (int i = 1; i < size; i++) {
                if (t[i] < t[i - 1]) {
                    throw new UserInputException(source + ": timestamps go backwards at event " + i + " (" + t[i]
                            + " us after " + t[i - 1] + " us); events must be in time order");
                }
            }
            return new EventStream(x, y, t, p, 0, size, source);
        }
    }
}
