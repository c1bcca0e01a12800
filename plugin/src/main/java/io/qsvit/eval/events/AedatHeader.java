package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The text header of an AEDAT file (jAER / cAER, versions 2.0 and 3.x): lines starting with '#', the first of
 * them {@code #!AER-DAT<major>.<minor>}. Version 2 data starts at the first line that does not start with '#';
 * version 3 headers end with the line {@code #!END-HEADER}.
 *
 * @param major      the format's major version (2 or 3)
 * @param minor      its minor version
 * @param dataOffset where the binary data starts
 */
public record AedatHeader(int major, int minor, int dataOffset) {
    public static final String MAGIC = "#!AER-DAT";
    private static final String END = "#!END-HEADER";

    /** The header of {@code bytes}, the whole content of {@code file}. */
    public static AedatHeader parse(byte[] bytes, Path file) {
        byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < magic.length || !Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw new UserInputException(file + " is not an AEDAT file (it does not start with " + MAGIC + ")");
        }
        String version = line(bytes, 0).substring(MAGIC.length()).strip();
        int dot = version.indexOf('.');
        int major;
        int minor;
        try {
            major = Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
            minor = dot < 0 ? 0 : Integer.parseInt(version.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new UserInputException(file + ": unreadable AEDAT version '" + version + "'");
        }
        if (major != 2 && major != 3) {
            throw new UserInputException(file + " is AEDAT " + version + "; AEDAT 2.0 and 3.1 are read");
        }
        int pos = 0;
        while (pos < bytes.length && bytes[pos] == '#') {
            String text = line(bytes, pos);
            pos = lineEnd(bytes, pos);
            if (major == 3 && text.strip().equals(END)) {
                return new AedatHeader(major, minor, pos);
            }
        }
        if (major == 3) {
            throw new UserInputException(file + ": the AEDAT " + version + " header has no " + END + " line (file cut"
                    + " short?)");
        }
        return new AedatHeader(major, minor, pos);
    }

    /** Position after the '\n' ending the line at {@code pos} (the end of the bytes if none). */
    private static int lineEnd(byte[] bytes, int pos) {
        while (pos < bytes.length && bytes[pos] != '\n') {
            pos++;
        }
        return Math.min(bytes.length, pos + 1);
    }

    /** The line at {@code pos} without its line end; header lines are short, so at most 1,000 characters. */
    private static String line(byte[] bytes, int pos) {
        int end = Math.min(lineEnd(bytes, pos), pos + 1000);
        return new String(bytes, pos, end - pos, StandardCharsets.ISO_8859_1).stripTrailing();
    }
}
