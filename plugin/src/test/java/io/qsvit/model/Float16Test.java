package io.qsvit.model;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Float16Test {
    @Test
    void knownValues() {
        assertEquals(1f, Float16.toFloat((short) 0x3c00));
        assertEquals(-2f, Float16.toFloat((short) 0xc000));
        assertEquals(65504f, Float16.toFloat((short) 0x7bff));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001)); // smallest subnormal
        assertEquals(0x1p-14f, Float16.toFloat((short) 0x0400)); // smallest normal
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7c00));
        assertTrue(Float.isNaN(Float16.toFloat((short) 0x7e00)));
        assertEquals((short) 0x3c00, Float16.fromFloat(1f));
        assertEquals((short) 0x7c00, Float16.fromFloat(65520f)); // rounds past the largest half: infinity
        assertEquals((short) 0x7bff, Float16.fromFloat(65519f));
        assertEquals((short) 0x8000, Float16.fromFloat(-0f));
        assertEquals((short) 0, Float16.fromFloat(0x1p-25f)); // exactly half the smallest subnormal: ties to even (0)
        assertEquals((short) 1, Float16.fromFloat(0x1.000002p-25f));
        assertEquals((short) 2, Float16.fromFloat(0x1.8p-24f)); // 1.5 subnormal ulps: ties to even (2)
        assertEquals((short) 0x3c00, Float16.fromFloat(1f + 0x1p-11f)); // tie between 1 and 1+2^-10: even
        assertEquals((short) 0x3c02, Float16.fromFloat(1f + 3 * 0x1p-11f)); // tie between 0x3c01 and 0x3c02: even
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
        assertEquals(1f, Float16.bfloatToFloat((short) 0x3f80));
        assertEquals((short) 0x3f80, Float16.bfloatFromFloat(1f + 0x1p-8f)); // tie: even
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Float16.toFloat((short) bits);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals((short) bits, Float16.fromFloat(f), Integer.toHexString(bits));
            assertTrue(Float16.representable(f));
        }
        assertFalse(Float16.representable(0.1f));
    }

    /** Narrowing picks the nearer of the two neighbouring halves, the even one on a tie (checked in double). */
    @Property(tries = 2000)
    void narrowingRoundsToNearestEven(@ForAll float value) {
        if (Float.isNaN(value) || Math.abs(value) >= 65520f) {
            return;
        }
        short h = Float16.fromFloat(value);
        double chosen = Float16.toFloat(h);
        double error = Math.abs(chosen - value);
        for (int step : new int[] {-1, 1}) {
            short neighbour = (short) (h + step);
            float other = Float16.toFloat(neighbour);
            if (Float.isNaN(other) || Float.isInfinite(other) || Math.signum(other) * Math.signum(chosen) < 0) {
                continue;
            }
            double otherError = Math.abs(other - (double) value);
            assertTrue(error < otherError || error == otherError && (h & 1) == 0,
                    value + " -> " + chosen + " but " + other + " is at least as near");
        }
    }
}
