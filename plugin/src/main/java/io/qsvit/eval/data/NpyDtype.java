package io.qsvit.eval.data;

import java.nio.ByteOrder;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The element types we read from .npy files, with the byte order their 'descr' string gives. */
record NpyDtype(Type type, ByteOrder order) {
    enum Type {
        UINT8(1), INT32(4), INT64(8), FLOAT32(4), FLOAT64(8);

        final int bytes;

        Type(int bytes) {
            this.bytes = bytes;
        }
    }

    // np.save writes '|' (no byte order) for one-byte types and '<' or '>' for the others
    private static final Pattern DESCR = Pattern.compile("([<>|])(u1|i4|i8|f4|f8)");

    /** The type a 'descr' string such as {@code '<f4'} names, or empty if we do not read it. */
    static Optional<NpyDtype> parse(String descr) {
        Matcher m = DESCR.matcher(descr);
        if (!m.matches() || (m.group(1).equals("|") && !m.group(2).equals("u1"))) {
            return Optional.empty();
        }
        Type type = switch (m.group(2)) {
            case "u1" -> Type.UINT8;
            case "i4" -> Type.INT32;
            case "i8" -> Type.INT64;
            case "f4" -> Type.FLOAT32;
            default -> Type.FLOAT64;
        };
        return Optional.of(new NpyDtype(type, m.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN));
    }
}
