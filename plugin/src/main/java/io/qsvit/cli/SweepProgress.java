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
 * Shows a sweep's progress: a progress bar with ETA on a terminal, and one plain line per evaluated piece of
 * work (with its accuracy and an ETA) when standard error goes to a log. Warnings are always plain lines.
 */
final class SweepProgress implements SweepListener, AutoCloseable {
    private final String task;
    private final PrintWriter err;
    private final boolean terminal;
    private ProgressBar bar;
    private long startNanos;
    private int total;
    private int done;
    private int evaluatedNow;

    private SweepProgress(String task, PrintWriter err, boolean terminal) {
        this.task = task;
        this.err = err;
        this.terminal = terminal;
    }

    /** A bar when a person watches (a console), plain lines on {@code err} otherwise. */
    static SweepProgress of(String task, PrintWriter err) {
        return new SweepProgress(task, err, System.console() != null);
    }

    @Override
    public void started(int total, int done) {
        this.total = total;
        this.done = done;
        this.startNanos = System.nanoTime();
        if (done > 0) {
            err.printf("%s: resuming, %d of %d already done%n", task, done, total);
            err.flush();
        }
        if (terminal) {
            // Tribuo's olcut brings jline's jansi terminal provider, which jline warns about on first use
            System.setProperty("org.jline.terminal.disableDeprecatedProviderWarning", "true");
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(done, Duration.ZERO)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
    }

    @Override
    public void evaluated(String label, Trial trial) {
        done++;
        evaluatedNow++;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(label + " " + String.format(Locale.ROOT, "%.4f", trial.accuracy()));
            return;
        }
        Duration eta = Duration.ofNanos((System.nanoTime() - startNanos) / evaluatedNow * (total - done));
        err.printf(Locale.ROOT, "%s: %d/%d %s: accuracy %.4f, ETA %s%n", task, done, total, label, trial.accuracy(), text(eta));
        err.flush();
    }

    @Override
    public void warn(String message) {
        err.println("qsvit: warning: " + message);
        err.flush();
    }

    private static String text(Duration d) {
        return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
