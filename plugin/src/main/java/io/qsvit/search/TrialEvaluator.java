package io.qsvit.search;

import io.qsvit.eval.Accuracy;
import io.qsvit.eval.ComputedRanges;
import io.qsvit.eval.EnergyEstimate;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.LayerCosts;
import io.qsvit.eval.SuffixEvaluation;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.eval.data.SampleBatches;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.BiasCorrection;
import io.qsvit.quant.ComputedFormat;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Evaluates settings of one model on fixed images, reusing one ONNX Runtime session (switching settings
 * re-quantizes only the groups that change). Every search strategy and sweep evaluates through this.
 */
public final class TrialEvaluator implements AutoCloseable {
    private final EvaluationSession session;
    private final Dataset images;
    private final LayerCosts costs;
    private final EnergyTable table;
    private final int batch;
    private final int threads;
    private long prefixBudget = DEFAULT_PREFIX_BUDGET;
    private final CutCosts cutCosts;
    /** The session of the last setting that held computed tensors in fixed point, and those formats. */
    private EvaluationSession computedSession;
    private Map<String, ComputedFormat> computedFormats = Map.of();
    private TimeLayout timeLayout = TimeLayout.AUTO;
    /** Per-channel input means of the layers when trials are bias-corrected ({@link BiasCorrection}); null when not. */
    private Map<String, double[]> biasMeans;
    /** The session of the last bias-corrected setting, and that setting. */
    private EvaluationSession correctedSession;
    private Setting correctedSetting;
    /** Calibrated ranges of computed groups, given to every setting evaluated (uniform widths need them). */
    private Map<String, Double> ranges = Map.of();
    private PrefixCache prefixes;
    private boolean keepFloatPrefix;

    /** Bytes of kept prefix activations by default (per {@link #evaluateAll} call). */
    public static final long DEFAULT_PREFIX_BUDGET = 256L << 20;

    private TrialEvaluator(EvaluationSession session, Dataset images, LayerCosts costs, EnergyTable table, int batch,
                           int threads, double loadSeconds) {
        this.cutCosts = new CutCosts(loadSeconds);
        this.session = session;
        this.threads = threads;
        this.images = images;
        this.costs = costs;
        this.table = table;
        this.batch = batch;
    }

    public static TrialEvaluator open(ModelLayers model, Dataset images, EnergyTable table, int threads, int batch) {
        long start = System.nanoTime();
        EvaluationSession session = EvaluationSession.open(model, threads);
        double load = (System.nanoTime() - start) / 1e9;
        try {
            return new TrialEvaluator(session, images, session.layerCosts(images.shape()), table, batch, threads, load);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Opens a session on the model, then loads the requested images checked against its input shape. */
    public static TrialEvaluator open(ModelLayers model, EvaluationData data, EnergyTable table, int threads, int batch) {
        return open(model, data, UnaryOperator.identity(), table, threads, batch);
    }

    /**
     * Opens a session on the model, opens the requested data with the model's sample shape (so libsvm files
     * and image folders, which need it, work), puts the samples in {@code order} and keeps them in memory
     * when they fit: every trial evaluates the same samples.
     */
    public static TrialEvaluator open(ModelLayers model, EvaluationData data, UnaryOperator<Dataset> order,
                                      EnergyTable table, int threads, int batch) {
        long start = System.nanoTime();
        EvaluationSession session = EvaluationSession.open(model, threads, data.events().timeLayout());
        double load = (System.nanoTime() - start) / 1e9;
        try {
            Dataset images = MemoryDataset.cached(order.apply(data.loadFor(session)), SampleBatches.defaultWorkers());
            TrialEvaluator evaluator = new TrialEvaluator(session, images, session.layerCosts(images.shape()), table,
                    batch, threads, load);
            evaluator.timeLayout = data.events().timeLayout();
            return evaluator;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public ModelLayers model() {
        return session.model();
    }

    public Dataset images() {
        return images;
    }

    /** The setting on all images. */
    public Trial evaluate(Setting setting) {
        return evaluate(setting, images);
    }

    /**
     * Keeps at most {@code bytes} of prefix activations in {@link #evaluateAll}, and as many again of the float
     * prefix across single evaluations where {@link #keepFloatPrefix} is on; 0 evaluates every setting on the
     * whole model.
     * Results are the same either way.
     */
    public TrialEvaluator prefixBudget(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative prefix budget " + bytes);
        }
        this.prefixBudget = bytes;
        if (prefixes != null) {
            prefixes.close();
            prefixes = null;
        }
        return this;
    }

    /**
     * Whether single evaluations keep the float prefix for later ones ({@link PrefixCache}); off by default. A
     * search that probes several schemes of a group turns it on; the raced sensitivity sweep leaves it off, as
     * its cells after a group's voucher are inferred, not evaluated, so a kept prefix would rarely be reused.
     */
    public TrialEvaluator keepFloatPrefix(boolean on) {
        this.keepFloatPrefix = on;
        return this;
    }

    /** Evaluations so far that ran only a suffix on a kept float prefix. */
    public int suffixRuns() {
        return prefixes == null ? 0 : prefixes.suffixRuns();
    }

    /** The setting on some images (a racing stage, say); the trial records how many. */
    public Trial evaluate(Setting setting, Dataset on) {
        return evaluateImages(setting, on).trial();
    }

    /** A trial with which of its images were right (top-1), for paired comparisons. */
    public record Evaluated(Trial trial, BitSet correct) {
    }

    /**
     * As {@link #evaluate(Setting, Dataset)}, also saying which images were right. With {@link #keepFloatPrefix},
     * a setting whose non-float groups all lie after a cut runs only the suffix where a float prefix on the same
     * {@code on} (the same object) is kept or worth keeping ({@link PrefixCache}); the trial is bit for bit the
     * same either way. Settings with computed tensors in fixed point or bias correction run their own sessions.
     */
    public Evaluated evaluateImages(Setting asked, Dataset on) {
        Setting setting = asked.withRanges(ranges);
        EvaluationSession running = sessionFor(setting);
        if (running == session && keepFloatPrefix && prefixBudget > 0) {
            if (prefixes == null) {
                prefixes = new PrefixCache(session, threads, batch, prefixBudget, cutCosts, this::share);
            }
            Optional<EvaluationSession.Outputs> cut = prefixes.run(setting, on);
            if (cut.isPresent()) {
                return trialOf(setting, cut.get(), on);
            }
        }
        running.use(setting);
        long start = System.nanoTime();
        EvaluationSession.Outputs outputs = running.run(on, batch);
        cutCosts.evaluated(on.size(), (System.nanoTime() - start) / 1e9);
        return trialOf(setting, outputs, on);
    }

    /**
     * Settings that differ from {@code base} only in {@code changed}, on all images, in order. With a prefix
     * budget, where the measured costs say it pays ({@link CutCosts}), the part of the model {@code changed}
     * cannot reach runs once ({@link SuffixEvaluation}); the trials are bit for bit those of
     * {@link #evaluate(Setting)} either way.
     */
    public List<Trial> evaluateAll(Setting base, Collection<Group> changed, List<Setting> asked) {
        List<Setting> settings = asked.stream().map(s -> s.withRanges(ranges)).toList();
        boolean computed = base.quantizesComputed() || settings.stream().anyMatch(Setting::quantizesComputed)
                || biasMeans != null; // a corrected trial runs its own model: no shared prefix
        Optional<SuffixEvaluation.Plan> plan = settings.size() >= 2 && prefixBudget > 0 && !computed
                ? SuffixEvaluation.plan(session, changed) : Optional.empty();
        double share = plan.map(p -> share(p.prefixLayers())).orElse(0.0);
        if (plan.isPresent() && cutCosts.cutPays(settings.size(), share, images.size())) {
            long start = System.nanoTime();
            Optional<SuffixEvaluation> suffix = plan.get().open(threads);
            if (suffix.isPresent()) {
                List<EvaluationSession.Outputs> outputs;
                try (SuffixEvaluation s = suffix.get()) {
                    outputs = s.run(base, settings, images, batch, prefixBudget);
                }
                cutCosts.cutRan(settings.size(), share, images.size(), (System.nanoTime() - start) / 1e9);
                List<Trial> trials = new ArrayList<>();
                for (int i = 0; i < settings.size(); i++) {
                    trials.add(trialOf(settings.get(i), outputs.get(i), images).trial());
                }
                return trials;
            }
        }
        return settings.stream().map(this::evaluate).toList();
    }

    /**
     * The session for a setting: the switchable one, or for a setting that holds computed tensors in fixed point
     * one built with those formats (kept until a setting asks for others: a sweep's cells of one group in a row).
     */
    private EvaluationSession sessionFor(Setting setting) {
        Map<String, ComputedFormat> formats = setting.computedFormats();
        if (biasMeans != null && quantizesWeights(setting)) {
            if (!setting.equals(correctedSetting)) {
                if (correctedSession != null) {
                    correctedSession.close();
                    correctedSession = null;
                }
                ModelLayers model = session.model();
                ModelLayers folded = ModelLayers.of(BiasCorrection.fold(model,
                        BiasCorrection.shifts(model, setting, biasMeans)), setting.grouping());
                correctedSession = EvaluationSession.open(folded, threads, timeLayout, formats);
                correctedSetting = setting;
            }
            return correctedSession;
        }
        if (formats.isEmpty()) {
            return session;
        }
        if (computedSession == null || !formats.equals(computedFormats)) {
            if (computedSession != null) {
                computedSession.close();
                computedSession = null;
            }
            computedSession = EvaluationSession.open(session.model(), threads, timeLayout, formats);
            computedFormats = formats;
        }
        return computedSession;
    }

    /**
     * Evaluates every setting that quantizes weights with bias correction, as {@code apply --bias-correction} builds
     * it: the expected output shift of each layer, from these per-channel input means ({@link
     * io.qsvit.eval.InputMeans}), folded into its bias. Each such trial runs in a session of its own corrected model.
     */
    public TrialEvaluator biasCorrection(Map<String, double[]> means) {
        this.biasMeans = Map.copyOf(means);
        return this;
    }

    private boolean quantizesWeights(Setting setting) {
        return session.model().groups().stream().anyMatch(g -> !(setting.schemeOf(g) instanceof io.qsvit.quant.Scheme.Float32));
    }

    /**
     * The calibrated ranges of computed groups (computed group -> largest magnitude) every setting evaluated from now
     * on takes for the computed groups it names: the search's settings say only widths.
     */
    public TrialEvaluator ranges(Map<String, Double> calibrated) {
        this.ranges = Map.copyOf(calibrated);
        return this;
    }

    /** The computed groups' ranges (float32 arithmetic on the images: the calibration of uniform widths) and sizes. */
    public ComputedRanges calibrate(ComputedSites sites) {
        return ComputedRanges.measure(session.model(), sites, images, threads, batch, session.layout(), session.inputName());
    }

    /** The layers' part of the model's multiply-accumulates per image. */
    private double share(List<Layer> layers) {
        long total = 0;
        for (Layer layer : session.model().layers()) {
            total += costs.macsPerImage(layer);
        }
        long part = 0;
        for (Layer layer : layers) {
            part += costs.macsPerImage(layer);
        }
        return total == 0 ? 0 : (double) part / total;
    }

    private Evaluated trialOf(Setting setting, EvaluationSession.Outputs outputs, Dataset on) {
        EnergyEstimate energy = EnergyEstimate.of(session.model(), setting, costs, outputs.firingRates(), table);
        float[][] scores = outputs.scores();
        BitSet correct = new BitSet(scores.length);
        for (int i = 0; i < scores.length; i++) {
            // top-1 as Accuracy.topK counts it: no class scores strictly higher than the label
            float label = scores[i][on.label(i)];
            boolean right = true;
            for (float s : scores[i]) {
                right &= !(s > label);
            }
            correct.set(i, right);
        }
        Trial trial = Trial.of(setting, Accuracy.topK(scores, on, 1), setting.memory(session.model()),
                energy.totalMicrojoules());
        if (trial.correct() != correct.cardinality()) {
            throw new IllegalStateException(trial.correct() + " correct but " + correct.cardinality() + " images right");
        }
        return new Evaluated(trial, correct);
    }

    /**
     * Per-group energy prices for the search, from the float model's firing rates on the first {@code images}
     * images (one extra float pass; the rates are deterministic, so a resumed search gets the same prices).
     */
    public GroupEnergy groupEnergy(io.qsvit.model.Grouping grouping, int images) {
        Setting allFloat = Setting.uniform(grouping, io.qsvit.quant.Scheme.FLOAT32);
        session.use(allFloat);
        EvaluationSession.Outputs outputs = session.run(this.images.first(Math.min(images, this.images.size())), batch);
        return new GroupEnergy(session.model(), grouping, costs, outputs.firingRates(), table);
    }

    @Override
    public void close() {
        try {
            if (prefixes != null) {
                prefixes.close();
            }
            if (correctedSession != null) {
                correctedSession.close();
            }
            if (computedSession != null) {
                computedSession.close();
            }
        } finally {
            session.close();
        }
    }
}
