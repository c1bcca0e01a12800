package io.qsvit.search;

import io.qsvit.quant.Setting;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Cheap first: a candidate is evaluated on growing prefixes of the exploration images (the stage
 * boundaries), and rejected as soon as the upper end of its 95% interval falls below the required accuracy;
 * only a candidate that survives every stage is evaluated on all images, and only that full evaluation can
 * accept it. Each stage evaluates only the images the previous stages did not.
 */
public final class Racing {
    private final JournaledEvaluator evaluator;
    private final int[] boundaries;

    /**
     * @param stages prefix sizes to stop at; those not below the number of images are dropped, and the full
     *               set is always the last stage
     */
    public Racing(JournaledEvaluator evaluator, List<Integer> stages) {
        this.evaluator = evaluator;
        TreeSet<Integer> sorted = new TreeSet<>();
        for (int stage : stages) {
            if (stage > 0 && stage < evaluator.size()) {
                sorted.add(stage);
            }
        }
        sorted.add(evaluator.size());
        this.boundaries = sorted.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The outcome of racing one candidate: its trial on the images it reached, and whether it met the requirement. */
    public record Race(Trial trial, boolean met, boolean stoppedEarly) {
    }

    public int images() {
        return evaluator.size();
    }

    /** The prefix sizes racing stops at, ending with all images. */
    public List<Integer> stages() {
        return Arrays.stream(boundaries).boxed().toList();
    }

    public Race race(Setting setting, AccuracyRequirement requirement, double required) {
        Trial sum = null;
        int from = 0;
        for (int to : boundaries) {
            sum = JournaledEvaluator.combine(sum, evaluator.evaluate(setting, from, to));
            from = to;
            if (to < evaluator.size() && sum.interval95()[1] < required) {
                return new Race(sum, false, true);
            }
        }
        return new Race(sum, requirement.isMet(sum.accuracy(), required), false);
    }

    /** Which of all the images the setting got right, stage by stage as racing evaluates them. */
    public java.util.BitSet correct(Setting setting) {
        java.util.BitSet all = new java.util.BitSet(evaluator.size());
        int from = 0;
        for (int to : boundaries) {
            java.util.BitSet range = evaluator.correct(setting, from, to);
            for (int i = range.nextSetBit(0); i >= 0 && i < to - from; i = range.nextSetBit(i + 1)) {
                all.set(from + i);
            }
            from = to;
        }
        return all;
    }

    /** The setting on the first {@code images} images (a stage boundary or all), stage by stage so prefixes are shared. */
    public Trial measure(Setting setting, int images) {
        Trial sum = null;
        int from = 0;
        for (int to : boundaries) {
            if (to > images) {
                break;
            }
            sum = JournaledEvaluator.combine(sum, evaluator.evaluate(setting, from, to));
            from = to;
        }
        if (from != images) {
            throw new IllegalArgumentException(images + " is not a stage boundary of " + Arrays.toString(boundaries));
        }
        return sum;
    }
}
