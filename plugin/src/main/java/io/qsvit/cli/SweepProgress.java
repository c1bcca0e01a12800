package io.qsvit.cli;

import io.qsvit.search.SweepListener;
import io.qsvit.search.Trial;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows a sweep's progress: a progress bar with ETA on a terminal, and otherwise the plain lines of
 * {@link SweepListener#logging} (one per evaluated piece of work, with its accuracy and an ETA), which the
 * command line sends to standard error. Warnings are always plain lines.
 */
final class SweepProgress implements SweepListener, AutoCloseable {
    private final String task;
    private final PrintWriter err;
    private final boolean terminal;
    private final SweepListener lines;
    private ProgressBar bar;

    private SweepProgress(String task, PrintWriter err, boolean terminal) {
        this.task = task;
        this.err = err;
        this.terminal = terminal;
        this.lines = SweepListener.logging(task);
    }

    /** A bar when a person watches (a console), plain lines on {@code err} otherwise. */
    static SweepProgress of(String task, PrintWriter err) {
        return new SweepProgress(task, err, System.console() != null);
    }

    @Override
    public void started(int total, int done) {
        if (!terminal) {
            lines.started(total, done);
            return;
        }
        if (done > 0) {
            err.printf("%s: resuming, %d of %d already done%n", task, done, total);
            err.flush();
        }
        // Tribuo's olcut brings jline's jansi terminal provider, which jline warns about on first use
        System.setProperty("org.jline.terminal.disableDeprecatedProviderWarning", "true");
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(done, Duration.ZERO)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public void evaluated(String label, Trial trial) {
        if (bar == null) {
            lines.evaluated(label, trial);
            return;
        }
        bar.step();
        bar.setExtraMessage(label + " " + String.format(Locale.ROOT, "%.4f", trial.accuracy()));
    }

    @Override
    public void warn(String message) {
        err.println("qsvit: warning: " + message);
        err.flush();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
