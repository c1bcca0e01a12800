package io.qsvit.search;

import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.SuffixEvaluation;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Reuses the float model's prefix across trials asked for one at a time, as a search asks for them (explore's
 * per-group probes, say): a trial whose non-float groups all lie after a cut of the graph runs only the suffix,
 * on the activations crossing the cut that an earlier trial on the same images kept. The float prefix does not
 * depend on the trial, so a cut once opened serves every later trial that leaves its prefix float.
 *
 * <p>A cut is opened when the measured costs say it pays ({@link CutCosts#reusePays}): the prefix work that the
 * trials so far could have skipped through it exceeds the time its two sessions take to load. Kept activations
 * are keyed by the image set (the same {@link Dataset} object) and stay under the byte budget, least recently
 * used dropped first; an image set whose activations alone exceed the budget runs on the whole model. At most
 * {@link #OPEN_CUTS} cuts stay loaded. A cut whose suffix runs, as measured, take no less per image than the whole
 * model is given up. Every choice only picks the faster path: the outputs are bit for bit
 * those of the whole session ({@link SuffixEvaluation}).
 */
final class PrefixCache implements AutoCloseable {
    /** Cuts kept loaded at once (a search moves through the groups; older cuts are rarely reused). */
    static final int OPEN_CUTS = 3;

    private final EvaluationSession session;
    private final int threads;
    private final int batch;
    private final long budget;
    private final CutCosts costs;
    private final ToDoubleFunction<List<Layer>> share;
    private final Map<Set<String>, Optional<SuffixEvaluation.Plan>> plans = new HashMap<>();
    private final Map<List<String>, Cut> cuts = new HashMap<>();
    private final LinkedHashMap<List<String>, SuffixEvaluation> open = new LinkedHashMap<>(8, 0.75f, true);
    private final LinkedHashMap<Entry, SuffixEvaluation.KeptPrefix> kept = new LinkedHashMap<>(8, 0.75f, true);
    private long keptBytes;
    private int suffixRuns;

    /** What is known of one cut: its prefix's share of the work, the images it could have served, its size. */
    private static final class Cut {
        final SuffixEvaluation.Plan plan;
        final double share;
        long images;
        double bytesPerImage = Double.NaN;
        int tooBigAt = Integer.MAX_VALUE;
        boolean unusable;
        double suffixSeconds;
        long suffixImages;

        Cut(SuffixEvaluation.Plan plan, double share) {
            this.plan = plan;
            this.share = share;
        }
    }

    /** Kept activations of one cut on one image set (the dataset by identity: each search range is one object). */
    private record Entry(List<String> frontier, Dataset data) {
    }

    /**
     * @param share the prefix layers' part of the model's work, 0 to 1
     */
    PrefixCache(EvaluationSession session, int threads, int batch, long budget, CutCosts costs,
                ToDoubleFunction<List<Layer>> share) {
        this.session = session;
        this.threads = threads;
        this.batch = batch;
        this.budget = budget;
        this.costs = costs;
        this.share = share;
    }

    /** The setting's outputs on {@code on} through a kept prefix, or empty where the whole model should run. */
    Optional<EvaluationSession.Outputs> run(Setting setting, Dataset on) {
        List<Group> changed = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Group group : session.model().groups()) {
            if (!(setting.schemeOf(group) instanceof Scheme.Float32)) {
                changed.add(group);
                names.add(group.name());
            }
        }
        if (changed.isEmpty() || on.size() == 0) {
            return Optional.empty();
        }
        Optional<SuffixEvaluation.Plan> plan = plans.computeIfAbsent(names,
                k -> SuffixEvaluation.plan(session, changed).map(SuffixEvaluation.Plan::widened));
        if (plan.isEmpty()) {
            return Optional.empty();
        }
        List<String> frontier = plan.get().frontier();
        Cut cut = cuts.computeIfAbsent(frontier, f -> new Cut(plan.get(), share.applyAsDouble(plan.get().prefixLayers())));
        if (cut.unusable) {
            return Optional.empty();
        }
        cut.images += on.size();
        Entry entry = new Entry(frontier, on);
        SuffixEvaluation.KeptPrefix prefix = kept.get(entry);
        SuffixEvaluation parts = open.get(frontier);
        if (prefix == null) {
            if (on.size() >= cut.tooBigAt || parts == null && !costs.reusePays(cut.share, cut.images)) {
                return Optional.empty();
            }
            if (parts == null) {
                long start = System.nanoTime();
                Optional<SuffixEvaluation> opened = cut.plan.open(threads);
                if (opened.isEmpty()) {
                    cut.unusable = true;
                    return Optional.empty();
                }
                costs.opened((System.nanoTime() - start) / 1e9);
                parts = opened.get();
                open.put(frontier, parts);
                closeBeyond(OPEN_CUTS);
            }
            // a cut's size is known once it kept something; before that it gets the whole budget (a search that
            // reaches a new cut has mostly moved on from the older ones)
            double estimate = Double.isNaN(cut.bytesPerImage) ? budget : cut.bytesPerImage * on.size();
            if (estimate > budget) {
                cut.tooBigAt = Math.min(cut.tooBigAt, on.size());
                return Optional.empty();
            }
            dropKeptWhile(() -> keptBytes > 0 && keptBytes + estimate > budget);
            Optional<SuffixEvaluation.KeptPrefix> computed = parts.keep(Setting.uniform(setting.grouping(),
                    Scheme.FLOAT32), on, batch, budget - keptBytes);
            if (computed.isEmpty()) {
                cut.tooBigAt = Math.min(cut.tooBigAt, on.size());
                return Optional.empty();
            }
            prefix = computed.get();
            cut.bytesPerImage = (double) prefix.bytes() / on.size();
            kept.put(entry, prefix);
            keptBytes += prefix.bytes();
        }
        suffixRuns++;
        long start = System.nanoTime();
        EvaluationSession.Outputs outputs = parts.run(prefix, setting);
        cut.suffixSeconds += (System.nanoTime() - start) / 1e9;
        cut.suffixImages += on.size();
        // the share of multiply-accumulates predicts the saving; what the suffix runs take measures it: a cut
        // whose suffix is no faster than the whole model (element-wise work after it, say) is given up
        if (cut.suffixImages >= 2L * on.size() && cut.suffixSeconds / cut.suffixImages >= costs.secondsPerImage()) {
            cut.unusable = true;
            close(frontier);
        }
        return Optional.of(outputs);
    }

    /** Closes one cut and drops its kept activations. */
    private void close(List<String> frontier) {
        kept.entrySet().removeIf(e -> {
            boolean drop = e.getKey().frontier().equals(frontier);
            if (drop) {
                keptBytes -= e.getValue().bytes();
            }
            return drop;
        });
        SuffixEvaluation parts = open.remove(frontier);
        if (parts != null) {
            parts.close();
        }
    }

    /** Trials evaluated through a kept prefix so far. */
    int suffixRuns() {
        return suffixRuns;
    }

    /** Bytes of activations kept now. */
    long keptBytes() {
        return keptBytes;
    }

    private void dropKeptWhile(java.util.function.BooleanSupplier more) {
        Iterator<Map.Entry<Entry, SuffixEvaluation.KeptPrefix>> oldest = kept.entrySet().iterator();
        while (more.getAsBoolean() && oldest.hasNext()) {
            keptBytes -= oldest.next().getValue().bytes();
            oldest.remove();
        }
    }

    /** Closes the least recently used cuts (and drops their kept activations) beyond {@code limit}. */
    private void closeBeyond(int limit) {
        while (open.size() > limit) {
            close(open.keySet().iterator().next());
        }
    }

    @Override
    public void close() {
        closeBeyond(0);
    }
}
