package io.qsvit.search;

/**
 * Whether a group's cells should run through the prefix/suffix cut, from costs measured in this process: the
 * whole model's time per image (from the trials evaluated so far) and the fixed cost of a cut (before any cut
 * ran, the whole session's load time; after, what the last cut took beyond the work its prefix share
 * predicts: loading two sessions, copying the crossing activations, whatever else the parts cost). The cut
 * saves the prefix's share of the work on every setting but one, so it is used where
 * {@code (settings - 1) x share x whole time} exceeds that fixed cost. Timings only choose the faster path:
 * both give the same trials bit for bit.
 */
final class CutCosts {
    private double secondsPerImage = Double.NaN;
    private double fixedSeconds;

    CutCosts(double sessionLoadSeconds) {
        this.fixedSeconds = sessionLoadSeconds;
    }

    /** A whole-model evaluation of {@code images} took {@code seconds}. */
    void evaluated(int images, double seconds) {
        if (images > 0) {
            secondsPerImage = seconds / images;
        }
    }

    /** A cut (load included) evaluated {@code settings} settings on {@code images} in {@code seconds}. */
    void cutRan(int settings, double prefixShare, int images, double seconds) {
        if (!Double.isNaN(secondsPerImage)) {
            double work = (prefixShare + settings * (1 - prefixShare)) * secondsPerImage * images;
            fixedSeconds = Math.max(0, seconds - work);
        }
    }

    /** The whole model's measured seconds per image; NaN before any whole-model evaluation. */
    double secondsPerImage() {
        return secondsPerImage;
    }

    /** Loading a cut's two sessions took {@code seconds}: the fixed cost a kept cut is weighed against. */
    void opened(double seconds) {
        fixedSeconds = seconds;
    }

    /**
     * Whether to open a cut that searches would reuse one setting at a time: the prefix work that
     * {@code images} earlier image evaluations could have skipped through it (what is expected to come again)
     * exceeds the fixed cost. No before the whole model's time per image is known.
     */
    boolean reusePays(double prefixShare, long images) {
        return !Double.isNaN(secondsPerImage) && prefixShare * secondsPerImage * images > fixedSeconds;
    }

    /**
     * @param prefixShare the prefix's part of the model's multiply-accumulates, 0 to 1
     */
    boolean cutPays(int settings, double prefixShare, int images) {
        if (settings < 2 || prefixShare <= 0) {
            return false;
        }
        if (Double.isNaN(secondsPerImage)) { // nothing measured yet: a cut that spares a quarter of the work pays
            return (settings - 1) * prefixShare >= 0.25 * settings;
        }
        return (settings - 1) * prefixShare * secondsPerImage * images > fixedSeconds;
    }
}
