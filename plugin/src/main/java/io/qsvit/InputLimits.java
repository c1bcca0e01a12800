package io.qsvit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Limits on what qsvit parses and on what it is asked to start, so that no input (a huge or hostile file, an
 * absurd option) makes a run take unbounded time or memory: a file over its limit fails at once with one line
 * that names the limit. Documented in the README ("Limits").
 */
public final class InputLimits {
    /** Settings, pipeline configurations, grouping rules, energy tables: hand-written, a few KiB. */
    public static final long CONFIG_BYTES = 1L << 20;
    /**
     * Longest line of a YAML file. SnakeYAML's time grows with the square of a line's length (a 4 MB comment
     * line took 5.8 s, 50 MB never finished); at this length a line parses in milliseconds.
     */
    public static final int YAML_LINE_CHARS = 64 * 1024;
    /** YAML aliases per document (a "billion laughs" file expands a few aliases into gigabytes). */
    public static final int YAML_ALIASES = 50;
    /** Nesting depth of a YAML or JSON document; ours nest 4 deep. */
    public static final int NESTING_DEPTH = 64;
    /** Documents the steps write and read back (metadata.json, sensitivity.json, bounds.json, trial logs). */
    public static final long DOCUMENT_BYTES = 256L << 20;
    /** One line of a journal or a libsvm file. */
    public static final int LINE_CHARS = 16 << 20;
    /**
     * Pixels of one decoded image (an 8k x 8k photo, about 200 MB decoded as RGB); checked from the file's header
     * before decoding, so a small file declaring a huge canvas cannot make a reader allocate gigabytes.
     */
    public static final long IMAGE_PIXELS = 1L << 26;
    /** Images per ONNX Runtime call. */
    public static final int MAX_BATCH = 65_536;
    /** ONNX Runtime threads per processor: more only adds switching. */
    public static final int THREADS_PER_PROCESSOR = 4;

    private InputLimits() {
    }

    /** The most threads a run may ask for on this machine. */
    public static int maxThreads() {
        return THREADS_PER_PROCESSOR * Runtime.getRuntime().availableProcessors();
    }

    /** Checks a thread count given as {@code name} (an option or a configuration field). */
    public static int threads(String name, int threads) {
        int max = maxThreads();
        if (threads < 1 || threads > max) {
            throw new UserInputException(name + " must be 1 to " + max + " (" + THREADS_PER_PROCESSOR + " per processor, "
                    + Runtime.getRuntime().availableProcessors() + " processors), not " + threads);
        }
        return threads;
    }

    /** Checks a batch size given as {@code name}. */
    public static int batch(String name, int batch) {
        if (batch < 1 || batch > MAX_BATCH) {
            throw new UserInputException(name + " must be 1 to " + MAX_BATCH + " images, not " + batch);
        }
        return batch;
    }

    /**
     * Reads a whole file of at most {@code maxBytes}, checked before reading; {@code what} names the kind of
     * file in the error ("settings file").
     */
    public static byte[] read(Path file, long maxBytes, String what) {
        long size = size(file, what);
        if (size > maxBytes) {
            throw new UserInputException(file + " is " + size + " bytes; a " + what + " may have at most " + maxBytes);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) { // grew while we read it
                throw new UserInputException(file + " is over " + maxBytes + " bytes, the most a " + what + " may have");
            }
            return bytes;
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The size of a regular file; anything else (missing, a folder, a FIFO) is named as not a {@code what}. */
    public static long size(Path file, String what) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new UserInputException(file + " is not a file (a " + what + " is expected)");
            }
            return attributes.size();
        } catch (IOException e) {
            throw new UserInputException(Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "cannot read " + file
                    : "file not found: " + file);
        }
    }

    /** Fails on the first line of {@code text} longer than {@code maxChars}, by its number. */
    public static void checkLines(Path file, byte[] text, int maxChars) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '\n') {
                if (i - start > maxChars) { // bytes: at least as many as characters
                    int chars = new String(text, start, i - start, StandardCharsets.UTF_8).length();
                    if (chars > maxChars) {
                        throw new UserInputException(file + ": line " + line + " has " + chars + " characters; at most "
                                + maxChars + " are read");
                    }
                }
                line++;
                start = i + 1;
            }
        }
    }

    /**
     * Text taken from an input, made fit for a one-line message: control characters shown as escapes, no
     * surrounding blanks, at most {@code max} characters.
     */
    public static String excerpt(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        String line = out.toString().strip();
        return line.length() < max || out.length() < max ? line : line + "...";
    }
}
