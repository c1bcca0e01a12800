package io.qsvit.search;

import io.qsvit.Progress;

import io.qsvit.artifact.Digests;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.data.Dataset;
import io.qsvit.quant.Setting;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Evaluates settings on ranges of the exploration images (in racing order) and records every result in a
 * journal first, so a re-run after a crash takes finished evaluations from the journal and reaches the same
 * decisions. Counts the images of every distinct evaluation asked for, journaled or fresh, so the count is
 * the same whether or not a run was interrupted.
 */
public final class JournaledEvaluator {
    private final TrialEvaluator evaluator;
    private final Dataset images;
    private final Journal journal;
    private final Set<String> asked = new HashSet<>();
    private long imagesEvaluated;
    private int fresh;
    private final long start = System.nanoTime();
    private final String task;

    /** Journal key prefix of an evaluation's per-image correctness. */
    private static final String CORRECT = "correct:";
    private final Map<String, BitSet> correct = new HashMap<>();
    private final Map<Long, Dataset> ranges = new HashMap<>();

    public JournaledEvaluator(TrialEvaluator evaluator, Dataset images, Journal journal) {
        this(evaluator, images, journal, "explore");
    }

    /** @param task the step its progress lines name */
    public JournaledEvaluator(TrialEvaluator evaluator, Dataset images, Journal journal, String task) {
        this.evaluator = evaluator;
        this.images = images;
        this.journal = journal;
        this.task = task;
    }

    public int size() {
        return images.size();
    }

    /** The setting on images [from, to). */
    public Trial evaluate(Setting setting, int from, int to) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("setting", setting);
        identity.put("from", from);
        identity.put("to", to);
        String key = Digests.ofCanonicalJson(identity);
        Optional<Trial> done = journal.get(key, Trial.class);
        Optional<String> correctText = journal.get(CORRECT + key, String.class);
        Trial trial;
        if (done.isPresent() && correctText.isPresent()) {
            trial = done.get();
            correct.put(key, PairedDrop.decode(correctText.get()));
        } else {
            // one object per range, so that the evaluator's kept prefixes (keyed by the image set) are found again
            Dataset range = from == 0 && to == images.size() ? images
                    : ranges.computeIfAbsent(((long) from << 32) | to,
                            k -> images.select(IntStream.range(from, to).toArray()));
            TrialEvaluator.Evaluated evaluated = evaluator.evaluateImages(setting, range);
            trial = evaluated.trial();
            correct.put(key, evaluated.correct());
            // which images were right first: an entry of the trial means both are there
            journal.append(CORRECT + key, PairedDrop.encode(evaluated.correct()));
            journal.append(key, trial);
            fresh++;
            Progress.line(String.format(Locale.ROOT, "%s: evaluation %d (images %d-%d of %d): accuracy %.4f, %.0f s so far",
                    task, fresh, from, to, images.size(), trial.accuracy(), (System.nanoTime() - start) / 1e9));
        }
        if (asked.add(key)) {
            imagesEvaluated += to - from;
        }
        return trial;
    }

    /** Which of images [from, to) the setting got right (bit i is image from + i); evaluates it if need be. */
    public BitSet correct(Setting setting, int from, int to) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("setting", setting);
        identity.put("from", from);
        identity.put("to", to);
        String key = Digests.ofCanonicalJson(identity);
        if (!correct.containsKey(key)) {
            evaluate(setting, from, to);
        }
        return (BitSet) correct.get(key).clone();
    }

    /** Images of all distinct evaluations asked for so far. */
    public long imagesEvaluated() {
        return imagesEvaluated;
    }

    /** One trial of a setting over two adjacent ranges of images: counts add, energy is the per-image mean. */
    static Trial combine(Trial first, Trial next) {
        if (first == null) {
            return next;
        }
        int images = first.images() + next.images();
        Accuracy top1 = new Accuracy(first.correct() + next.correct(), images);
        double energy = (first.energyMicrojoules() * first.images() + next.energyMicrojoules() * next.images()) / images;
        return new Trial(first.setting(), images, top1.correct(), top1.value(), top1.interval95(),
                first.effectiveBits(), first.storageBytes(), energy);
    }
}
