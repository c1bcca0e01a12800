package io.qsvit.search;

import java.util.BitSet;

/**
 * The accuracy drop of a quantized model against the float model on the same images, from the discordant
 * pairs only (McNemar's view): {@code lost} images the float model gets right and the quantized one wrong,
 * {@code gained} the reverse. The drop is (lost - gained) / images. Its one-sided upper confidence bound is
 * exact given the discordant count d = lost + gained: lost ~ Binomial(d, q) and the drop is (2q - 1) d / n,
 * so the Clopper-Pearson upper bound of q gives the bound of the drop. A candidate is accepted when that
 * bound is within the allowed drop: the promise then holds for the population the images stand for, at the
 * confidence level, rather than on these images only.
 */
public record PairedDrop(int images, int lost, int gained) {
    /** One-sided confidence of {@link #upperBound()}. */
    public static final double CONFIDENCE = 0.95;

    public PairedDrop {
        if (images < 0 || lost < 0 || gained < 0 || lost + gained > images) {
            throw new IllegalArgumentException(images + " images, " + lost + " lost, " + gained + " gained");
        }
    }

    /** Compares per-image correctness of the float model and a candidate on the same {@code images} images. */
    public static PairedDrop of(BitSet floatCorrect, BitSet candidateCorrect, int images) {
        BitSet lost = (BitSet) floatCorrect.clone();
        lost.andNot(candidateCorrect);
        BitSet gained = (BitSet) candidateCorrect.clone();
        gained.andNot(floatCorrect);
        return new PairedDrop(images, lost.get(0, images).cardinality(), gained.get(0, images).cardinality());
    }

    public double drop() {
        return images == 0 ? 0 : (double) (lost - gained) / images;
    }

    /** The drop's upper bound at {@link #CONFIDENCE}, one-sided. */
    public double upperBound() {
        int discordant = lost + gained;
        if (images == 0) {
            return 1;
        }
        if (discordant == 0) {
            return 0;
        }
        double q = upperProportion(lost, discordant, 1 - CONFIDENCE);
        return (2 * q - 1) * discordant / images;
    }

    /**
     * Clopper-Pearson: the largest q with P(X <= k | n, q) >= alpha, found by bisection (the CDF falls as q
     * grows); 1 when k = n.
     */
    static double upperProportion(int k, int n, double alpha) {
        if (k >= n) {
            return 1;
        }
        double lo = (double) k / n;
        double hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (binomialCdf(k, n, mid) >= alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** P(X <= k) for X ~ Binomial(n, q), summed in log space so large n stay finite. */
    static double binomialCdf(int k, int n, double q) {
        if (q <= 0) {
            return 1;
        }
        if (q >= 1) {
            return k >= n ? 1 : 0;
        }
        double logQ = Math.log(q);
        double logP = Math.log1p(-q);
        double logChoose = 0; // log C(n, 0)
        double sum = 0;
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                logChoose += Math.log((double) (n - i + 1) / i);
            }
            sum += Math.exp(logChoose + i * logQ + (n - i) * logP);
        }
        return Math.min(1, sum);
    }

    /** Per-image correctness as journal text: base64 of the little-endian bit set. */
    static String encode(BitSet correct) {
        return java.util.Base64.getEncoder().encodeToString(correct.toByteArray());
    }

    static BitSet decode(String text) {
        return BitSet.valueOf(java.util.Base64.getDecoder().decode(text));
    }
}
