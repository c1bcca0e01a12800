package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.Aedat2;
import io.qsvit.eval.events.Aedat31;
import io.qsvit.eval.events.AedatHeader;
import io.qsvit.eval.events.EventStream;
import io.qsvit.eval.events.NmnistBinary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one event recording with the reader of its format, told by the file name: {@code .bin} N-MNIST /
 * N-Caltech101 binary, {@code .aedat} AEDAT 2.0 or 3.1 (by its header's version line), {@code .npy} tonic's
 * structured array. A recording without a file name (a served request's bytes) is told by its content
 * ({@link #parse}).
 */
public final class EventRecordings {
    static final Set<String> EXTENSIONS = Set.of("bin", "aedat", "npy");

    private EventRecordings() {
    }

    public static boolean isRecording(Path file) {
        return EXTENSIONS.contains(extension(file));
    }

    public static EventStream read(Path file) {
        switch (extension(file)) {
            case "bin" -> {
                return NmnistBinary.read(file);
            }
            case "npy" -> {
                return NpyEvents.read(file);
            }
            case "aedat" -> {
                return aedat(NmnistBinary.readAll(file), file); // refuses a file that is not AEDAT
            }
            default -> throw new UserInputException(file + " is not an event recording (.bin, .aedat or .npy)");
        }
    }

    /**
     * The events of a recording given as bytes: AEDAT when they start with AEDAT's {@code #!AER-DAT}, tonic's
     * NumPy array when they start with NumPy's magic {@code \x93NUMPY}, else N-MNIST / N-Caltech101 binary (which
     * has no header; its first event would need the byte 0x93 and the letters "NUMPY" to pass for NumPy).
     *
     * @param source what the bytes are, as errors name it
     */
    public static EventStream parse(byte[] bytes, Path source) {
        if (startsWith(bytes, AedatHeader.MAGIC.getBytes(StandardCharsets.US_ASCII))) {
            return aedat(bytes, source);
        }
        if (startsWith(bytes, NpyHeader.MAGIC)) {
            return NpyEvents.parse(bytes, source);
        }
        return NmnistBinary.parse(bytes, source);
    }

    private static EventStream aedat(byte[] bytes, Path file) {
        AedatHeader header = AedatHeader.parse(bytes, file);
        return header.major() == 2 ? Aedat2.parse(bytes, header, file) : Aedat31.parse(bytes, header, file);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
