package io.qsvit.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Integer codes in the narrowest Java array that holds the scheme's container: one byte each for 4- and 8-bit
 * containers, one short each for 16-bit ones, one int each for 32-bit (fixed-point) ones. A 55-million-weight model then costs 55 or 110 MB of codes
 * instead of 220 MB of ints. Unsigned containers are read back by masking, signed ones by sign extension.
 */
final class Codes {
    private final byte[] narrow;
    private final short[] wide;
    private final int[] full;
    /** -1 keeps the sign extension of a signed container; 0xFF or 0xFFFF reads an unsigned one. */
    private final int mask;
    private final int containerBits;

    private Codes(byte[] narrow, short[] wide, int[] full, int mask, int containerBits) {
        this.narrow = narrow;
        this.wide = wide;
        this.full = full;
        this.mask = mask;
        this.containerBits = containerBits;
    }

    static Codes allocate(int count, int containerBits, boolean signed) {
        if (containerBits <= 8) {
            return new Codes(new byte[count], null, null, signed ? -1 : 0xFF, containerBits);
        }
        if (containerBits == 32) {
            return new Codes(null, null, new int[count], -1, containerBits); // only signed int32 codes are written
        }
        return new Codes(null, new short[count], null, signed ? -1 : 0xFFFF, containerBits);
    }

    int length() {
        return narrow != null ? narrow.length : wide != null ? wide.length : full.length;
    }

    int get(int index) {
        return (narrow != null ? narrow[index] : wide != null ? wide[index] : full[index]) & mask;
    }

    /** Stores a code the caller has already clamped to the container's range. */
    void set(int index, int code) {
        if (narrow != null) {
            narrow[index] = (byte) code;
        } else if (wide != null) {
            wide[index] = (short) code;
        } else {
            full[index] = code;
        }
    }

    /** Bytes {@link #pack()} gives for {@code count} codes in a container of {@code containerBits}. */
    static long packedSize(long count, int containerBits) {
        return containerBits == 4 ? (count + 1) / 2 : count * (containerBits / 8);
    }

    /** Reads codes back from ONNX raw_data as {@link #pack()} writes it; {@code raw} holds {@link #packedSize} bytes. */
    static Codes unpack(ByteBuffer raw, int count, int containerBits, boolean signed) {
        Codes codes = allocate(count, containerBits, signed);
        ByteBuffer bytes = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (containerBits == 4) {
            for (int i = 0; i < count; i++) {
                int nibble = bytes.get(i >> 1) >> ((i & 1) * 4) & 0x0F;
                codes.set(i, signed ? nibble << 28 >> 28 : nibble); // sign-extend two's complement nibbles
            }
        } else if (containerBits == 8) {
            bytes.get(codes.narrow);
        } else if (containerBits == 32) {
            bytes.asIntBuffer().get(codes.full);
        } else {
            bytes.asShortBuffer().get(codes.wide);
        }
        return codes;
    }

    /**
     * The codes as ONNX raw_data: 8-bit one byte each; 16-bit two bytes, 32-bit four, little-endian; 4-bit two codes per
     * byte, the first in the low nibble, an odd count padded with a zero high nibble (two's complement nibbles
     * for INT4).
     */
    byte[] pack() {
        int count = length();
        if (containerBits == 4) {
            byte[] packed = new byte[(count + 1) / 2];
            for (int i = 0; i < count; i++) {
                packed[i >> 1] |= (byte) ((narrow[i] & 0x0F) << ((i & 1) * 4));
            }
            return packed;
        }
        if (containerBits == 8) {
            return narrow; // the codes are not changed after quantization; no need to copy 8-bit ones
        }
        if (containerBits == 32) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asIntBuffer().put(full);
            return bytes.array();
        }
        byte[] packed = new byte[2 * count];
        for (int i = 0; i < count; i++) {
            packed[2 * i] = (byte) wide[i];
            packed[2 * i + 1] = (byte) (wide[i] >> 8);
        }
        return packed;
    }
}
