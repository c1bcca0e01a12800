package io.qsvit.search;

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

    /** Something the user should know that does not stop the run (a corrupted journal line). */
    default void warn(String message) {
    }
}
