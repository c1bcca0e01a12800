package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a DVS Gesture label file ({@code userNN_<lighting>_labels.csv}, beside its recording): a header row, then
 * one row per performed gesture, {@code class,startTime_usec,endTime_usec}, classes numbered from 1. Each row is
 * one labelled sample: the recording's events with start <= t < end, class id = class - 1 (SpikingJelly's and
 * tonic's convention).
 */
public final class GestureLabels {
    private GestureLabels() {
    }

    /** A labelled time window of a recording. */
    public record Window(int label, long start, long end) {
    }

    /** The label file of an AEDAT recording: {@code name.aedat} -> {@code name_labels.csv}. */
    public static Path of(Path recording) {
        String name = recording.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return recording.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + "_labels.csv");
    }

    public static List<Window> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserInputException("label file not found: " + csv);
        } catch (IOException e) {
            throw new UserInputException("cannot read label file " + csv + ": " + e.getMessage());
        }
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && !Character.isDigit(line.charAt(0)))) {
                continue;   // the header row, blank lines
            }
            String[] fields = line.split("\\s*,\\s*");
            if (fields.length != 3) {
                throw bad(csv, i, "has " + fields.length + " fields; class,startTime_usec,endTime_usec expected");
            }
            long[] values = new long[3];
            for (int f = 0; f < 3; f++) {
                try {
                    values[f] = Long.parseLong(fields[f]);
                } catch (NumberFormatException e) {
                    throw bad(csv, i, "has '" + fields[f] + "' where a whole number is expected");
                }
            }
            if (values[0] < 1 || values[0] > Integer.MAX_VALUE) {
                throw bad(csv, i, "has class " + values[0] + "; classes are numbered from 1");
            }
            if (values[1] < 0 || values[2] <= values[1]) {
                throw bad(csv, i, "has the window " + values[1] + ".." + values[2] + " us, which is empty or negative");
            }
            windows.add(new Window((int) values[0] - 1, values[1], values[2]));
        }
        if (windows.isEmpty()) {
            throw new UserInputException("label file " + csv + " labels no time window");
        }
        return List.copyOf(windows);
    }

    private static UserInputException bad(Path csv, int line, String what) {
        return new UserInputException(csv + ": line " + (line + 1) + " " + what);
    }
}
