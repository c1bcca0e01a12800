package io.qsvit.eval.data;

import io.qsvit.InputLimits;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy .npy file (format versions 1.0, 2.0 and 3.0): the magic string {@code \x93NUMPY}, the
 * version bytes, the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0) and a Python dict
 * literal with 'descr' (element type), 'fortran_order' and 'shape'. The array data starts at
 * {@link #dataOffset()}.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Number of elements the shape holds (1 for a scalar). */
    long count() {
        long count = 1;
        for (int dim : shape) {
            count *= dim;
        }
        return count;
    }

    static NpyHeader read(Path file) {
        Dict dict = readDict(file);
        if (!(dict.entries().get("descr") instanceof String)) {
            throw new UserInputException(file + ": structured (record) dtypes are not supported, only plain"
                    + " numeric arrays");
        }
        return parse(dict.entries(), dict.dataOffset(), file, dict.text());
    }

    /**
     * The header of a structured array such as tonic's events ({@code [('x', '<i2'), ('y', '<i2'), ('t', '<i8'),
     * ('p', '|b1')]}): its fields with their byte offsets in a record, the record size and the shape.
     */
    static Records readRecords(Source source, Path file) throws IOException {
        Dict dict = readDict(source, file);
        Object descr = dict.entries().get("descr");
        if (!(descr instanceof List<?> list)) {
            throw new UserInputException(file + ": a structured array (fields x, y, t, p) is expected, the file"
                    + " holds a plain '" + descr + "' array");
        }
        NpyHeader header = parse(dict.entries(), dict.dataOffset(), file, dict.text());
        List<Field> fields = new ArrayList<>();
        int offset = 0;
        for (Object item : list) {
            if (!(item instanceof List<?> entry) || entry.size() != 2 || !(entry.get(0) instanceof String name)
                    || !(entry.get(1) instanceof String type)) {
                throw unparsable(file, "structured 'descr' entries must be (name, type) pairs", dict.text());
            }
            Matcher m = FIELD_TYPE.matcher(type);
            if (!m.matches()) {
                throw new UserInputException(file + ": field '" + name + "' has type '" + type
                        + "'; fields of integers, booleans, floats or padding are read");
            }
            int bytes = Integer.parseInt(m.group(3));
            fields.add(new Field(name, m.group(2).charAt(0), bytes,
                    m.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, offset));
            offset += bytes;
        }
        return new Records(header, List.copyOf(fields), offset);
    }

    /** One field of a structured dtype: kind 'i', 'u', 'b', 'f' or 'V' (padding), size in bytes, offset. */
    record Field(String name, char kind, int bytes, ByteOrder order, int offset) {
    }

    /** A structured array's header, fields and record size. */
    record Records(NpyHeader header, List<Field> fields, int recordBytes) {
    }

    /** Where a .npy file's bytes come from: a file, or the bytes of a served request. */
    interface Source {
        /** Reads into {@code into} from {@code position}; the count read, or -1 at the end. */
        int read(ByteBuffer into, long position) throws IOException;

        long size() throws IOException;

        static Source of(FileChannel channel) {
            return new Source() {
                @Override
                public int read(ByteBuffer into, long position) throws IOException {
                    return channel.read(into, position);
                }

                @Override
                public long size() throws IOException {
                    return channel.size();
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public int read(ByteBuffer into, long position) {
                    if (position >= bytes.length) {
                        return -1;
                    }
                    int n = (int) Math.min(into.remaining(), bytes.length - position);
                    into.put(bytes, (int) position, n);
                    return n;
                }

                @Override
                public long size() {
                    return bytes.length;
                }
            };
        }
    }

    private static final Pattern FIELD_TYPE = Pattern.compile("([<>|=])([iubfV])(\\d{1,4})");

    private record Dict(Map<String, Object> entries, long dataOffset, String text) {
    }

    private static Dict readDict(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            return readDict(Source.of(channel), file);
        } catch (NoSuchFileException e) {
            throw new UserInputException("NPY file not found: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read NPY file " + file + ": " + e.getMessage());
        }
    }

    private static Dict readDict(Source source, Path file) throws IOException {
        ByteBuffer preamble = readBytes(source, 0, 8, file);
        for (int i = 0; i < MAGIC.length; i++) {
            if (preamble.get(i) != MAGIC[i]) {
                throw notNpy(file);
            }
        }
        int major = preamble.get(6) & 0xff;
        if (major < 1 || major > 3) {
            throw new UserInputException(file + ": .npy format version " + major + "." + (preamble.get(7) & 0xff)
                    + " is not supported (only 1.0, 2.0 and 3.0)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer length = readBytes(source, 8, lengthBytes, file).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? length.getShort(0) & 0xffff : length.getInt(0) & 0xffffffffL;
        long start = 8L + lengthBytes;
        if (start + headerLength > source.size()) {
            throw new UserInputException(file + ": the .npy header of " + headerLength
                    + " bytes is longer than the file");
        }
        ByteBuffer text = readBytes(source, start, (int) headerLength, file);
        // versions 1.0 and 2.0 store the dict in latin-1, 3.0 in UTF-8
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String shown = dict.strip();
        try {
            return new Dict(new DictParser(shown).dict(), start + headerLength, shown);
        } catch (IllegalArgumentException e) {
            throw unparsable(file, e.getMessage(), shown);
        }
    }

    private static NpyHeader parse(Map<String, Object> entries, long dataOffset, Path file, String shown) {
        Object descr = entries.get("descr");
        Object fortran = entries.get("fortran_order");
        Object shape = entries.get("shape");
        if (descr == null || fortran == null || shape == null) {
            throw unparsable(file, "it needs 'descr', 'fortran_order' and 'shape'", shown);
        }
        if (!(fortran instanceof Boolean) || !(shape instanceof List<?> dims)) {
            throw unparsable(file, "'fortran_order' must be True or False and 'shape' a tuple", shown);
        }
        int[] sizes = new int[dims.size()];
        for (int i = 0; i < sizes.length; i++) {
            if (!(dims.get(i) instanceof Long size) || size < 0 || size > Integer.MAX_VALUE) {
                throw unparsable(file, "'shape' must hold sizes from 0 to " + Integer.MAX_VALUE, shown);
            }
            sizes[i] = size.intValue();
        }
        return new NpyHeader(descr instanceof String text ? text : "", (Boolean) fortran, sizes, dataOffset);
    }

    private static ByteBuffer readBytes(Source source, long position, int n, Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (source.read(buffer, position + buffer.position()) < 0) {
                throw notNpy(file);
            }
        }
        return buffer;
    }

    private static UserInputException notNpy(Path file) {
        return new UserInputException(file + " is not a .npy file (bad magic string)");
    }

    private static UserInputException unparsable(Path file, String why, String dict) {
        return new UserInputException(file + ": cannot parse the .npy header (" + why + "): "
                + InputLimits.excerpt(dict, 200));
    }

    /**
     * Reads the subset of Python literal syntax numpy writes in headers: a dict with string keys whose values
     * are strings, True/False, integers and tuples or lists of these. Failures are IllegalArgumentExceptions
     * naming the offset.
     */
    private static final class DictParser {
        private final String text;
        private int pos;

        DictParser(String text) {
            this.text = text;
        }

        Map<String, Object> dict() {
            Map<String, Object> entries = new LinkedHashMap<>();
            expect('{');
            while (!peekIs('}')) {
                String key = string();
                expect(':');
                entries.put(key, value());
                if (!accept(',')) {
                    break;
                }
            }
            expect('}');
            if (pos != text.length()) {
                throw fail("text after the dict");
            }
            return entries;
        }

        private Object value() {
            skipSpaces();
            if (pos >= text.length()) {
                throw fail("a value expected");
            }
            char c = text.charAt(pos);
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            }
            if (c == '-' || Character.isDigit(c)) {
                return integer();
            }
            if (text.startsWith("True", pos) || text.startsWith("False", pos)) {
                boolean value = text.charAt(pos) == 'T';
                pos += value ? 4 : 5;
                return value;
            }
            throw fail("unexpected '" + c + "'");
        }

        private List<Object> sequence(char close) {
            pos++;
            List<Object> items = new ArrayList<>();
            while (!peekIs(close)) {
                items.add(value());
                if (!accept(',')) {
                    break;
                }
            }
            expect(close);
            return items;
        }

        private String string() {
            skipSpaces();
            if (pos >= text.length() || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
                throw fail("a quoted string expected");
            }
            char quote = text.charAt(pos);
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw fail("unterminated string");
            }
            String value = text.substring(pos + 1, end);
            pos = end + 1;
            return value;
        }

        private Long integer() {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            try {
                Long value = Long.valueOf(text.substring(start, pos));
                if (pos < text.length() && text.charAt(pos) == 'L') {
                    pos++; // Python 2 long literal, e.g. (60000L, 28L, 28L)
                }
                return value;
            } catch (NumberFormatException e) {
                pos = start;
                throw fail("bad integer");
            }
        }

        private boolean peekIs(char c) {
            skipSpaces();
            return pos < text.length() && text.charAt(pos) == c;
        }

        private boolean accept(char c) {
            if (peekIs(c)) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!accept(c)) {
                throw fail("'" + c + "' expected");
            }
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException fail(String what) {
            return new IllegalArgumentException(what + " at offset " + pos);
        }
    }
}
