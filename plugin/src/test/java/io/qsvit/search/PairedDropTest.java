package io.qsvit.search;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedDropTest {

    /** Clopper-Pearson upper bounds: closed forms at the ends, and the defining equation elsewhere. */
    @Test
    void upperProportionIsClopperPearson() {
        // k = 0: P(X <= 0) = (1 - q)^n = alpha, so q = 1 - alpha^(1/n)
        assertEquals(1 - Math.pow(0.05, 1 / 10.0), PairedDrop.upperProportion(0, 10, 0.05), 1e-9);
        assertEquals(1 - Math.pow(0.05, 1 / 200.0), PairedDrop.upperProportion(0, 200, 0.05), 1e-9);
        // k = n - 1: P(X <= n - 1) = 1 - q^n = alpha, so q = (1 - alpha)^(1/n)
        assertEquals(Math.pow(0.95, 1 / 7.0), PairedDrop.upperProportion(6, 7, 0.05), 1e-9);
        assertEquals(1.0, PairedDrop.upperProportion(7, 7, 0.05));
        // the CDF at the bound is alpha
        assertEquals(0.05, PairedDrop.binomialCdf(5, 20, PairedDrop.upperProportion(5, 20, 0.05)), 1e-9);
        assertEquals(0.05, PairedDrop.binomialCdf(40, 100, PairedDrop.upperProportion(40, 100, 0.05)), 1e-9);
    }

    @Test
    void dropAndItsBoundFromTheDiscordantPairs() {
        PairedDrop none = new PairedDrop(2000, 0, 0);
        assertEquals(0.0, none.drop());
        assertEquals(0.0, none.upperBound());
        // 30 lost, 10 gained of 2000: drop 1 point observed, the bound above it
        PairedDrop d = new PairedDrop(2000, 30, 10);
        assertEquals(0.01, d.drop(), 1e-15);
        double q = PairedDrop.upperProportion(30, 40, 0.05);
        assertEquals((2 * q - 1) * 40 / 2000, d.upperBound(), 1e-15);
        assertTrue(d.upperBound() > 0.014 && d.upperBound() < 0.015, Double.toString(d.upperBound()));
        // the same observed drop on ten times the images has a tighter bound
        assertTrue(new PairedDrop(20000, 300, 100).upperBound() < d.upperBound());
    }

    @Test
    void countsComeFromTheSameImages() {
        BitSet floatRight = BitSet.valueOf(new long[] {0b1011_0110L});
        BitSet quantRight = BitSet.valueOf(new long[] {0b1101_0011L});
        PairedDrop d = PairedDrop.of(floatRight, quantRight, 8);
        assertEquals(2, d.lost());   // bits 2, 5 right in float only
        assertEquals(2, d.gained()); // bits 0, 6
        assertEquals(floatRight, PairedDrop.decode(PairedDrop.encode(floatRight)));
    }
}
