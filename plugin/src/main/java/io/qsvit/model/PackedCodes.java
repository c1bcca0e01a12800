package io.qsvit.model;

import java.nio.ByteBuffer;

/**
 * The bit layout of b-bit codes stored b bits per code (b = 2..8): unsigned codes as one little-endian bit
 * stream, code i in bits [i*b, i*b + b) counted from bit 0 of byte 0. Codes come in groups of eight, which fill
 * exactly b bytes, so a tensor of n codes takes ceil(n / 8) * b bytes, the last group padded with zero codes.
 * Within a group, code k starts in byte {@code (k*b) / 8} at bit {@code (k*b) % 8} and may reach into the next
 * byte: that is what the decode graph ({@link UnpackChain}) gathers, shifts and masks.
 */
public final class PackedCodes {
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 8;

    private PackedCodes() {
    }

    /** Bytes n codes of b bits take. */
    public static long bytes(long count, int bits) {
        return (count + 7) / 8 * bits;
    }

    /** Packs {@code codes} (each in [0, 2^b)) b bits per code. */
    public static byte[] pack(int[] codes, int bits) {
        requireBits(bits);
        byte[] packed = new byte[(int) bytes(codes.length, bits)];
        int mask = (1 << bits) - 1;
        for (int i = 0; i < codes.length; i++) {
            int code = codes[i];
            if ((code & ~mask) != 0) {
                throw new IllegalArgumentException("code " + code + " does not fit " + bits + " bits");
            }
            long bit = (long) i * bits;
            int at = (int) (bit >>> 3);
            int word = code << (int) (bit & 7);
            packed[at] |= (byte) word;
            if ((word >>> 8) != 0) {
                packed[at + 1] |= (byte) (word >>> 8);
            }
        }
        return packed;
    }

    /** The n codes of b bits in {@code packed} ({@link #bytes} long), each in [0, 2^b). */
    public static int[] unpack(ByteBuffer packed, int count, int bits) {
        requireBits(bits);
        if (packed.remaining() != bytes(count, bits)) {
            throw new IllegalArgumentException(packed.remaining() + " bytes for " + count + " codes of " + bits + " bits");
        }
        ByteBuffer in = packed.slice();
        int[] codes = new int[count];
        int mask = (1 << bits) - 1;
        int last = in.limit() - 1;
        for (int i = 0; i < count; i++) {
            long bit = (long) i * bits;
            int at = (int) (bit >>> 3);
            int word = (in.get(at) & 0xFF) | (at < last ? (in.get(at + 1) & 0xFF) << 8 : 0);
            codes[i] = word >>> (int) (bit & 7) & mask;
        }
        return codes;
    }

    /** For each code k of a group: the byte it starts in. */
    public static long[] lowBytes(int bits) {
        long[] low = new long[8];
        for (int k = 0; k < 8; k++) {
            low[k] = k * bits / 8;
        }
        return low;
    }

    /** For each code k of a group: the byte after its first, or its first where that is the group's last byte. */
    public static long[] highBytes(int bits) {
        long[] high = lowBytes(bits);
        for (int k = 0; k < 8; k++) {
            high[k] = Math.min(high[k] + 1, bits - 1);
        }
        return high;
    }

    /** For each code k of a group: its first bit within its first byte. */
    public static int[] shifts(int bits) {
        int[] shifts = new int[8];
        for (int k = 0; k < 8; k++) {
            shifts[k] = k * bits % 8;
        }
        return shifts;
    }

    static void requireBits(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("packed codes take " + MIN_BITS + ".." + MAX_BITS + " bits, got " + bits);
        }
    }
}
