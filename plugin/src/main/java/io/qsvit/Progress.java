package io.qsvit;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Progress lines for logs. A long piece of work (evaluating many images, a sweep, a search) reports here; the
 * command line directs the lines to standard error when no person watches a terminal (a log file, a Kubeflow
 * pod), so a long step is never silent there: a line for each finished cell or trial, and a heartbeat with
 * done/total and ETA at most every {@value #HEARTBEAT_SECONDS} s in between. Without a sink (library use, tests)
 * nothing is printed.
 */
public final class Progress {
    public static final int HEARTBEAT_SECONDS = 10;
    private static volatile long heartbeatNanos = HEARTBEAT_SECONDS * 1_000_000_000L;
    private static volatile Consumer<String> sink;
    private static volatile long lastLine = System.nanoTime();

    private Progress() {
    }

    /** Directs progress lines to {@code lines} (null: nowhere); returns the previous sink, to put back afterwards. */
    public static synchronized Consumer<String> printTo(Consumer<String> lines) {
        Consumer<String> previous = sink;
        sink = lines;
        lastLine = System.nanoTime();
        return previous;
    }

    /** Tests: a shorter silence before a heartbeat line. */
    static void heartbeat(Duration interval) {
        heartbeatNanos = interval.toNanos();
    }

    /** One line now (a finished cell, trial or step). */
    public static void line(String text) {
        Consumer<String> out = sink;
        lastLine = System.nanoTime();
        if (out != null) {
            out.accept(text);
        }
    }

    /** Starts counting {@code total} {@code unit} of work named {@code name}. */
    public static Task task(String name, long total, String unit) {
        return new Task(name, total, unit);
    }

    /** A piece of work counted as it goes; says how far it is when the log has been silent for a while. */
    public static final class Task {
        private final String name;
        private final long total;
        private final String unit;
        private final long start = System.nanoTime();
        private long done;

        private Task(String name, long total, String unit) {
            this.name = name;
            this.total = total;
            this.unit = unit;
        }

        public void advance(long n) {
            done += n;
            long now = System.nanoTime();
            if (sink != null && now - lastLine >= heartbeatNanos && done < total) {
                line(String.format(Locale.ROOT, "%s: %d/%d %s, ETA %s", name, done, total, unit,
                        eta(now - start, done, total)));
            }
        }
    }

    /** The time left at the pace so far, as 1h02m or 3m05s. */
    public static String eta(long elapsedNanos, long done, long total) {
        if (done <= 0) {
            return "unknown";
        }
        Duration d = Duration.ofNanos((long) ((double) elapsedNanos / done * (total - done)));
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
