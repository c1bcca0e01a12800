package io.qsvit.fuzz;

import io.qsvit.UserInputException;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/**
 * The property every fuzz test checks: reading an input ends in a valid result or a {@link UserInputException},
 * never another exception or error, in at most {@value #MAX_SECONDS} s and with at most {@value #MAX_MEGABYTES}
 * MB allocated by the reading thread. The first input of a JVM is exempt from both limits: it pays for loading
 * and compiling the readers' classes (6.5 s for the first ONNX input on a machine at load 30).
 */
final class FuzzProperty {
    static final int MAX_SECONDS = 5;
    static final int MAX_MEGABYTES = 256;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static boolean warm;

    private FuzzProperty() {
    }

    /** Reads with {@code reader}; a result is handed to {@code valid}, which throws if it is not. */
    static <T> void check(Callable<T> reader, java.util.function.Consumer<T> valid) {
        long thread = Thread.currentThread().getId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        T result = null;
        try {
            result = reader.call();
        } catch (UserInputException e) {
            if (e.getMessage() == null || e.getMessage().isBlank() || e.getMessage().contains("\n")) {
                throw new AssertionError("a user error must be one line: [" + e.getMessage() + "]", e);
            }
        } catch (Exception e) {
            throw new AssertionError("not a user error: " + e, e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long megabytes = (THREADS.getThreadAllocatedBytes(thread) - allocatedBefore) >> 20;
        boolean first = !warm; // class loading and compilation, not the input
        warm = true;
        if (!first && seconds > MAX_SECONDS) {
            throw new AssertionError("took " + seconds + " s (limit " + MAX_SECONDS + " s)");
        }
        if (!first && megabytes > MAX_MEGABYTES) {
            throw new AssertionError("allocated " + megabytes + " MB (limit " + MAX_MEGABYTES + " MB)");
        }
        if (result != null) {
            valid.accept(result);
        }
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("invalid result: " + what);
        }
    }
}
