package io.qsvit.quant;

/**
 * The levels of a b-bit power-of-two scheme and how codes index them. With n = 2^(b-1) - 1 magnitudes
 * 2^-j (j = 0..n-1) and both signs, plus zero, there are 2n + 1 = 2^b - 1 unit levels, sorted ascending:
 * <pre>
 *   code c in [0, n)     : -2^-c                 (code 0 is -1, the most negative level)
 *   code n               :  0
 *   code c in (n, 2n]    : +2^-(2n - c)          (code 2n is +1)
 * </pre>
 * so code = n + sign * (n - j) for the level sign * 2^-j. Codes are ordered like the values they stand for,
 * and fit an unsigned container of b bits. A real artifact decodes with Gather(table, code) then Mul by the
 * scale; the simulated value is the same single float multiply, table[code] * scale.
 */
public final class Pow2Levels {
    private Pow2Levels() {
    }

    /** n: how many magnitudes 2^-j a b-bit scheme has, and the code of zero. */
    public static int magnitudes(int bits) {
        if (bits < Scheme.Pow2.MIN_BITS || bits > Scheme.Pow2.MAX_BITS) {
            throw new IllegalArgumentException("pow2 takes 2..8 bits, got " + bits);
        }
        return (1 << (bits - 1)) - 1;
    }

    /** The 2^b - 1 unit levels, indexed by code (no padding entry). */
    public static float[] table(int bits) {
        int n = magnitudes(bits);
        float[] table = new float[2 * n + 1];
        for (int j = 0; j < n; j++) {
            float magnitude = Math.scalb(1f, -j);
            table[j] = -magnitude;
            table[2 * n - j] = magnitude;
        }
        return table;
    }
}
