package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Progress;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.search.AccuracyRequirement;
import io.qsvit.search.BoundsReport;
import io.qsvit.search.Journal;
import io.qsvit.search.JournaledEvaluator;
import io.qsvit.search.RacedSweep;
import io.qsvit.search.Racing;
import io.qsvit.search.RacingOrder;
import io.qsvit.search.SweepMode;
import io.qsvit.search.SweepRecord;
import io.qsvit.search.PrecisionBounds;
import io.qsvit.search.Requirement;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Trial;
import io.qsvit.search.TrialEvaluator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The {@code bounds} step (QSViT Algorithm 2): from a sensitivity matrix and an accuracy requirement, each
 * group's high and low precision bound ({@link PrecisionBounds} states the rule), then bSettingH and bSettingL
 * evaluated on the data. Writes {@code bounds.json}, {@code setting-high.json} and {@code setting-low.json}.
 * The float baseline of the requirement is the matrix's own when the data are the images the matrix was
 * measured on, and is evaluated otherwise.
 */
public final class BoundsStep {
    public static final String NAME = "bounds";
    public static final int ALGORITHM_VERSION = 1;
    public static final String SETTING_HIGH = "setting-high.json";
    public static final String SETTING_LOW = "setting-low.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Thresholds worked out along two paths (sweep, bounds) agree up to rounding. */
    private static final double THRESHOLD_SLACK = 1e-9;

    /**
     * @param sweep full evaluates bSettingH and bSettingL on all images; raced evaluates them on growing
     *              class-balanced prefixes and stops one as soon as its interval shows it misses the requirement
     */
    public record Request(Path sensitivity, Path model, EvaluationData data, Requirement requirement, int batch, int threads,
                          SweepMode sweep) {
        /** Base settings evaluated on all images. */
        public Request(Path sensitivity, Path model, EvaluationData data, Requirement requirement, int batch, int threads) {
            this(sensitivity, model, data, requirement, batch, threads, SweepMode.FULL);
        }

        public Request {
            if (sweep == null) {
                sweep = SweepMode.FULL;
            }
        }
    }

    /** How the publish ended, and the published report. */
    public record Result(ArtifactFolder.Outcome outcome, BoundsReport report) {
    }

    private BoundsStep() {
    }

    public static Result run(Request request, Path out) {
        SensitivityMatrix matrix = SensitivityMatrix.read(request.sensitivity());
        if (matrix.shard() != null) {
            throw new UserInputException(request.sensitivity() + " is shard " + matrix.shard() + " of a sensitivity "
                    + "sweep; merge the shards first (qsvit sensitivity-merge)");
        }
        JsonNode swept = PublishedMetadata.read(request.sensitivity(), SensitivityStep.NAME, SensitivityStep.ALGORITHM_VERSION);
        Preparation.Prepared prepared = ModelInput.load(request.model());
        OnnxModel model = prepared.model();
        String modelDigest = ModelDigest.of(prepared.original());
        if (!modelDigest.equals(swept.at("/inputs/model").asText())) {
            throw new UserInputException("the sensitivity matrix in " + request.sensitivity() + " was measured on another "
                    + "model than " + request.model());
        }
        ModelLayers layers = ModelLayers.of(model, matrix.grouping());
        EnergyTable table = EnergyTable.defaults();
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("model", modelDigest);
        inputs.put("data", request.data().digest());
        inputs.put("sensitivity", Digests.ofFile(request.sensitivity().resolve(SensitivityMatrix.FILE)));
        inputs.put("energy_table", Digests.ofCanonicalJson(table));
        boolean sameImages = inputs.get("data").equals(swept.at("/inputs/data").asText())
                && sameDataParameters(request.data(), swept.get("parameters"));
        if (sameImages) {
            request.requirement().requiredAccuracy(matrix.baseline()); // an impossible requirement fails before any work
        }
        Map<String, Object> parameters = new LinkedHashMap<>(request.requirement().parameters());
        parameters.putAll(request.data().parameters());
        parameters.put("batch", request.batch());
        parameters.put("preparation", Preparation.ID);
        parameters.put("sweep", request.sweep().id());
        if (request.sweep() == SweepMode.RACED) {
            parameters.put("racing_seed", RacedSweep.DEFAULT_SEED);
        }
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters, inputs);
        Path journalFile = SensitivityStep.journalFile(out, context.cacheKey());
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            boolean raced = request.sweep() == SweepMode.RACED;
            try (TrialEvaluator evaluator = TrialEvaluator.open(layers, request.data(),
                    raced ? data -> RacingOrder.of(data, RacedSweep.DEFAULT_SEED) : UnaryOperator.identity(), table,
                    request.threads(), request.batch());
                 Journal journal = raced ? Journal.open(journalFile) : null) {
                Racing racing = raced ? new Racing(new JournaledEvaluator(evaluator, evaluator.images(), journal, NAME),
                        RacedSweep.stages(evaluator.images().size())) : null;
                Setting floatSetting = Setting.uniform(matrix.grouping(), Scheme.FLOAT32);
                Trial baseline = sameImages ? matrix.baseline()
                        : raced ? racing.measure(floatSetting, racing.images()) : evaluator.evaluate(floatSetting);
                BoundsReport report = bounds(matrix, request.requirement(), baseline, setting -> raced
                        ? racing.race(setting, new AccuracyRequirement(request.requirement().maxDrop(),
                        request.requirement().targetAccuracy()), request.requirement().requiredAccuracy(baseline)).trial()
                        : evaluator.evaluate(setting));
                report.write(folder.resolve(BoundsReport.FILE));
                report.high().setting().write(folder.resolve(SETTING_HIGH));
                report.low().setting().write(folder.resolve(SETTING_LOW));
                return results(report);
            }
        });
        SensitivityStep.deleteJournal(journalFile);
        return new Result(outcome, BoundsReport.read(out));
    }

    static BoundsReport bounds(SensitivityMatrix matrix, Requirement requirement, Trial baseline,
                               Function<Setting, Trial> evaluate) {
        double required = requirement.requiredAccuracy(baseline);
        // the same allowed drop, on the images of the matrix
        double requiredOnMatrix = matrix.baseline().accuracy() - (baseline.accuracy() - required);
        double highThreshold = requiredOnMatrix - requirement.toleranceHigh();
        double lowThreshold = requiredOnMatrix - requirement.toleranceLow();
        requireDecided(matrix, highThreshold, lowThreshold);
        PrecisionBounds bounds = PrecisionBounds.of(matrix, highThreshold, lowThreshold);
        Setting high = bounds.high(matrix);
        Setting low = bounds.low(matrix);
        BoundsReport.Applied applied = new BoundsReport.Applied(baseline.accuracy(), requirement.maxDrop(),
                requirement.targetAccuracy(), required, requirement.toleranceHigh(), requirement.toleranceLow(),
                highThreshold, lowThreshold);
        Trial highTrial = evaluate.apply(high);
        Progress.line(String.format(Locale.ROOT, "bounds: 1/2 bSettingH: accuracy %.4f on %d images", highTrial.accuracy(),
                highTrial.images()));
        // equal bounds (every group's high bound is its low one, as on both reference models) give the same
        // setting, whose evaluation is deterministic: measured once
        Trial lowTrial = low.equals(high) ? highTrial : evaluate.apply(low);
        Progress.line(String.format(Locale.ROOT, "bounds: 2/2 bSettingL: accuracy %.4f on %d images", lowTrial.accuracy(),
                lowTrial.images()));
        return new BoundsReport(applied, bounds.groups(), BoundsReport.Base.of(high, highTrial, required),
                BoundsReport.Base.of(low, lowTrial, required));
    }

    /**
     * A raced (or warm-started) matrix decided its cells only at the thresholds it was swept for; other
     * thresholds could fall inside a raced cell's interval or past an inferred cell's margin.
     */
    private static void requireDecided(SensitivityMatrix matrix, double highThreshold, double lowThreshold) {
        SweepRecord sweep = matrix.sweep();
        if (sweep == null || !sweep.decidedAtThresholds()) {
            return;
        }
        if (Math.abs(sweep.highThreshold() - highThreshold) > THRESHOLD_SLACK
                || Math.abs(sweep.lowThreshold() - lowThreshold) > THRESHOLD_SLACK) {
            throw new UserInputException(String.format(Locale.ROOT, "the sensitivity matrix was swept %s for thresholds "
                    + "%.4f/%.4f, this requirement needs %.4f/%.4f; sweep again with this requirement or with --sweep full",
                    sweep.mode(), sweep.highThreshold(), sweep.lowThreshold(), highThreshold, lowThreshold));
        }
    }

    private static boolean sameDataParameters(EvaluationData data, JsonNode sweptParameters) {
        for (Map.Entry<String, Object> p : data.parameters().entrySet()) {
            if (!JSON.valueToTree(p.getValue()).equals(sweptParameters.path(p.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> results(BoundsReport report) {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("required_accuracy", report.requirement().requiredAccuracy());
        results.put("high_accuracy", report.high().trial().accuracy());
        results.put("high_effective_bits", report.high().trial().effectiveBits());
        results.put("high_meets_requirement", report.high().meetsRequirement());
        results.put("low_accuracy", report.low().trial().accuracy());
        results.put("low_effective_bits", report.low().trial().effectiveBits());
        results.put("low_meets_requirement", report.low().meetsRequirement());
        return results;
    }
}
