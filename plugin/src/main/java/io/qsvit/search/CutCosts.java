package io.qsvit.search;

/**
 * Whether a group's cells should run through the prefix/suffix cut, from costs measured in this process: the
 * whole model's time per image (from the trials evaluated so far) and the time to load a cut's two sessions
 * (the last one loaded; before any, the whole session's load). The cut saves the prefix's share of the work
 * on every setting but one and costs one load, so it is used where {@code (settings - 1) x share x whole time}
 * exceeds the load. Timings only choose the faster path: both give the same trials bit for bit.
 */
final class CutCosts {
    private double secondsPerImage = Double.NaN;
    private double loadSeconds;

    CutCosts(double sessionLoadSeconds) {
        this.loadSeconds = sessionLoadSeconds;
    }

    /** A whole-model evaluation of {@code images} took {@code seconds}. */
    void evaluated(int images, double seconds) {
        if (images > 0) {
            secondsPerImage = seconds / images;
        }
    }

    /** Loading a cut's sessions took {@code seconds}. */
    void loaded(double seconds) {
        loadSeconds = seconds;
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
        return (settings - 1) * prefixShare * secondsPerImage * images > loadSeconds;
    }
}
