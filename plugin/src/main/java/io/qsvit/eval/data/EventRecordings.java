package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.Aedat2;
import io.qsvit.eval.events.Aedat31;
import io.qsvit.eval.events.AedatHeader;
import io.qsvit.eval.events.EventStream;
import io.qsvit.eval.events.NmnistBinary;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one event recording with the reader of its format, told by the file name: {@code .bin} N-MNIST /
 * N-Caltech101 binary, {@code .aedat} AEDAT 2.0 or 3.1 (by its header's version line), {@code .npy} tonic's
 * structured array.
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
                byte[] bytes = NmnistBinary.readAll(file);
                AedatHeader header = AedatHeader.parse(bytes, file);
                return header.major() == 2 ? Aedat2.parse(bytes, header, file) : Aedat31.parse(bytes, header, file);
            }
            default -> throw new UserInputException(file + " is not an event recording (.bin, .aedat or .npy)");
        }
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
