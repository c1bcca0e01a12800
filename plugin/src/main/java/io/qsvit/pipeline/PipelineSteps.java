package io.qsvit.pipeline;

import io.qsvit.model.Grouping;
import io.qsvit.quant.PrecisionPreset;
import io.qsvit.quant.Scheme;
import io.qsvit.search.Budget;
import io.qsvit.search.Objective;
import io.qsvit.search.Requirement;
import io.qsvit.search.SearchSpace;
import io.qsvit.search.SweepListener;
import io.qsvit.search.SweepMode;
import io.qsvit.search.TrialEvaluator;
import io.qsvit.search.WarmSweep;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.BoundsStep;
import io.qsvit.step.EvaluateStep;
import io.qsvit.step.ExploreStep;
import io.qsvit.step.GateStep;
import io.qsvit.step.SensitivityStep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The steps of {@code qsvit run}, in order, as a configuration asks for them. */
public final class PipelineSteps {
    public static final String EXPLORE = "explore";
    /** The file in explore's output that holds the setting it chose. */
    public static final String CHOSEN_SETTING = "setting.json";
    /** The requirement of a run whose configuration names none: at most 1 point below the float model. */
    public static final double DEFAULT_MAX_DROP = 0.01;

    private PipelineSteps() {
    }

    /**
     * sensitivity -> bounds -> explore -> apply -> evaluate; a setting given in the configuration skips the
     * three search steps and goes to apply.
     */
    public static List<PipelineStep> plan(PipelineConfig config) {
        return plan(config, null, false);
    }

    /**
     * The plan of a retraining run: with a {@code release} (a run or apply output folder, or a model), a
     * {@code gate} step after evaluate compares the new model with the released one; with {@code warmStart},
     * sensitivity starts from the release's matrix and explore from its setting (where the release has them
     * and the model's structure allows).
     */
    public static List<PipelineStep> plan(PipelineConfig config, Path release, boolean warmStart) {
        List<PipelineStep> steps = new ArrayList<>();
        if (config.apply().setting() != null) {
            steps.add(apply(null));
            steps.add(evaluate());
        } else {
            Path warm = warmStart ? release : null;
            steps.addAll(List.of(sensitivity(warm), bounds(), explore(warm), apply(EXPLORE), evaluate()));
        }
        if (release != null) {
            steps.add(gate(release));
        }
        return List.copyOf(steps);
    }

    /** QSViT Algorithm 1 on the configured precisions (QSViT's 16/12/8/4 bits by default), QSViT's grouping. */
    static PipelineStep sensitivity() {
        return sensitivity(null);
    }

    /** The same, warm-started from the sensitivity matrix of {@code release} (null: cold). */
    static PipelineStep sensitivity(Path release) {
        return new PipelineStep(SensitivityStep.NAME, List.of(), request -> {
            PipelineConfig config = request.config();
            List<String> named = config.sensitivity().precisions();
            List<Scheme> precisions = named == null ? SensitivityStep.DEFAULT_PRECISIONS
                    : PrecisionPreset.expand(named);
            // a warm start re-measures weight groups only: a run that sweeps computed tensors sweeps cold
            SensitivityStep.WarmStart warm = release == null || !config.sensitivity().computedKinds().isEmpty() ? null
                    : new SensitivityStep.WarmStart(release, requirement(config), WarmSweep.DEFAULT_MARGIN);
            SweepMode mode = config.sensitivity().sweepMode();
            SensitivityStep.Request sweep = new SensitivityStep.Request(request.model(), request.data(config.sensitivity()),
                    precisions, Grouping.QSVIT, null, config.batch(), config.threads(), warm, mode,
                    mode == SweepMode.RACED ? requirement(config) : null, TrialEvaluator.DEFAULT_PREFIX_BUDGET,
                    config.sensitivity().computedKinds());
            return SensitivityStep.run(sweep, request.out(), SweepListener.logging("sensitivity")).outcome();
        });
    }

    /** QSViT Algorithm 2 from the sweep, under the run's requirement (1 point below float by default). */
    static PipelineStep bounds() {
        return new PipelineStep(BoundsStep.NAME, List.of(SensitivityStep.NAME), request -> {
            PipelineConfig config = request.config();
            BoundsStep.Request bounds = new BoundsStep.Request(request.input(SensitivityStep.NAME), request.model(),
                    request.data(config.sensitivity()), requirement(config), config.batch(), config.threads(),
                    config.sensitivity().sweepMode());
            return BoundsStep.run(bounds, request.out()).outcome();
        });
    }

    /** The run's requirement with the bounds' tolerances, as bounds and a warm-started sweep use it. */
    private static Requirement requirement(PipelineConfig config) {
        PipelineConfig.Bounds tolerances = config.bounds();
        return new Requirement(maxDrop(config), config.requirement().targetAccuracy(),
                tolerances.toleranceHigh() != null ? tolerances.toleranceHigh() : Requirement.DEFAULT_TOLERANCE_HIGH,
                tolerances.toleranceLow() != null ? tolerances.toleranceLow() : Requirement.DEFAULT_TOLERANCE_LOW);
    }

    /** QSViT Algorithm 3 (guided, the default) or SpikeHQ's heterogeneous search, with explore's own defaults. */
    static PipelineStep explore() {
        return explore(null);
    }

    /** The same, starting from the setting of {@code release} when it has one (null: cold). */
    static PipelineStep explore(Path release) {
        return new PipelineStep(EXPLORE, List.of(BoundsStep.NAME, SensitivityStep.NAME), request -> {
            PipelineConfig config = request.config();
            PipelineConfig.Explore own = config.explore();
            PipelineConfig.Budget budget = own.budget();
            ExploreStep.Request explore = new ExploreStep.Request(request.model(), request.data(own),
                    request.input(BoundsStep.NAME), request.input(SensitivityStep.NAME),
                    "heterogeneous".equals(own.strategy()) ? ExploreStep.Strategy.HETEROGENEOUS : ExploreStep.Strategy.GUIDED,
                    maxDrop(config), config.requirement().targetAccuracy(),
                    budget == null ? null : new Budget(budget.effectiveBits(), budget.memoryBytes()),
                    ExploreStep.DEFAULT_RACING, SearchSpace.SPIKEHQ, ExploreStep.DEFAULT_PROBE_IMAGES,
                    ExploreStep.DEFAULT_RACING_SEED, null, config.batch(), config.threads(), releasedSetting(release),
                    own.objective() == null ? null : Objective.parse(own.objective()), own.paired(), own.heldOut());
            return ExploreStep.run(explore, request.out()).outcome();
        });
    }

    /** The release's setting file (a run's apply/setting.json or an apply output's), or null when it has none. */
    private static Path releasedSetting(Path release) {
        if (release == null || !Files.isDirectory(release)) {
            return null;
        }
        for (Path candidate : List.of(release.resolve(ApplyStep.NAME).resolve(ApplyStep.SETTING_FILE),
                release.resolve(ApplyStep.SETTING_FILE))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The release gate: the applied model against the released one, on the evaluation's images. */
    static PipelineStep gate(Path release) {
        return new PipelineStep(GateStep.NAME, List.of(ApplyStep.NAME), request -> {
            PipelineConfig config = request.config();
            String table = config.evaluate().energyTable();
            GateStep.Request gate = new GateStep.Request(request.input(ApplyStep.NAME), release,
                    request.data(config.evaluate()), config.gate().gates(), table == null ? null : Path.of(table),
                    config.batch(), config.threads());
            return GateStep.run(gate, request.out()).outcome();
        });
    }

    /** The configured max drop; 1 point when the configuration gives no requirement at all. */
    private static Double maxDrop(PipelineConfig config) {
        PipelineConfig.Requirement r = config.requirement();
        return r.maxDrop() == null && r.targetAccuracy() == null ? DEFAULT_MAX_DROP : r.maxDrop();
    }

    /** Applies the configured setting, or the one {@code explore} chose when {@code from} names it. */
    static PipelineStep apply(String from) {
        return new PipelineStep(ApplyStep.NAME, from == null ? List.of() : List.of(from), request -> {
            Path setting = from == null ? Path.of(request.config().apply().setting())
                    : request.input(from).resolve(CHOSEN_SETTING);
            return ApplyStep.run(request.model(), setting, request.out());
        });
    }

    /** Evaluates the applied model against the run's model as the baseline. */
    static PipelineStep evaluate() {
        return new PipelineStep(EvaluateStep.NAME, List.of(ApplyStep.NAME), request -> {
            PipelineConfig config = request.config();
            String table = config.evaluate().energyTable();
            // the apply folder stands for its real model (integer codes), the one that would be deployed
            EvaluateStep.Request evaluate = new EvaluateStep.Request(request.input(ApplyStep.NAME), request.model(),
                    request.data(config.evaluate()), table == null ? null : Path.of(table), config.batch(), config.threads());
            return EvaluateStep.run(evaluate, request.out()).outcome();
        });
    }
}
