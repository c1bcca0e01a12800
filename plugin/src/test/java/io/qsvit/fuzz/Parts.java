package io.qsvit.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Splits one fuzzer input into the parts a reader needs, front to back: a choice is one byte, a part a two-byte
 * length and that many bytes, the rest whatever is left. {@link Builder} writes seeds in the same form.
 */
final class Parts {
    private final byte[] bytes;
    private int at;

    Parts(byte[] bytes) {
        this.bytes = bytes;
    }

    /** One of {@code n} choices (0 when the input has ended). */
    int choice(int n) {
        return at < bytes.length ? (bytes[at++] & 0xff) % n : 0;
    }

    byte[] part() {
        int length = at + 1 < bytes.length ? ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff) : 0;
        at = Math.min(bytes.length, at + 2);
        int end = Math.min(bytes.length, at + length);
        byte[] out = Arrays.copyOfRange(bytes, at, end);
        at = end;
        return out;
    }

    byte[] rest() {
        byte[] out = Arrays.copyOfRange(bytes, Math.min(at, bytes.length), bytes.length);
        at = bytes.length;
        return out;
    }

    /** Writes an input that {@link Parts} reads back as the same choices and parts. */
    static final class Builder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Builder choice(int value) {
            out.write(value);
            return this;
        }

        Builder part(byte[] part) {
            out.write(part.length >> 8);
            out.write(part.length & 0xff);
            out.writeBytes(part);
            return this;
        }

        byte[] rest(byte[] rest) {
            out.writeBytes(rest);
            return out.toByteArray();
        }
    }
}
