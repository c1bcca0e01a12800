package io.qsvit.search;

import io.qsvit.Progress;

import java.util.Locale;

/** What a long search reports while it runs: a progress display, a log, or a test that stops it. */
public interface SweepListener {
    SweepListener NONE = new SweepListener() {
    };

    /** The run has {@code total} pieces of work, {@code done} of them already finished by an earlier run. */
    default void started(int total, int done) {
    }

    /** One piece of work was evaluated now (not taken from the journal). */
    default void evaluated(String label, Trial trial) {
    }

    /**
     * One {@link Progress} line per evaluated piece of work, with done/total and ETA, for logs (a step run by
     * {@code qsvit run}, where no progress bar is drawn).
     */
    static SweepListener logging(String task) {
        return new SweepListener() {
            private long start;
            private int total;
            private int done;
            private int now;

            @Override
            public void started(int total, int done) {
                this.total = total;
                this.done = done;
                this.start = System.nanoTime();
                if (done > 0) {
                    Progress.line(task + ": resuming, " + done + " of " + total + " already done");
                }
            }

            @Override
            public void evaluated(String label, Trial trial) {
                done++;
                now++;
                Progress.line(String.format(Locale.ROOT, "%s: %d/%d %s: accuracy %.4f, ETA %s", task, done, total, label,
                        trial.accuracy(), Progress.eta(System.nanoTime() - start, now, now + (total - done))));
            }

            @Override
            public void warn(String message) {
                Progress.line("qsvit: warning: " + message);
            }
        };
    }

    /** Something the user should know that does not stop the run (a corrupted journal line). */
    default void warn(String message) {
    }
}
