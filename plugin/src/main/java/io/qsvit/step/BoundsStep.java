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
import io.qsvit.search.BoundsReport;
import io.qsvit.search.PrecisionBounds;
import io.qsvit.search.Requirement;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Trial;
import io.qsvit.search.TrialEvaluator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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

    public record Request(Path sensitivity, Path model, EvaluationData data, Requirement requirement, int batch, int threads) {
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
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters, inputs);
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            try (TrialEvaluator evaluator = TrialEvaluator.open(layers, request.data(), table, request.threads(), request.batch())) {
                Trial baseline = sameImages ? matrix.baseline()
                        : evaluator.evaluate(Setting.uniform(matrix.grouping(), Scheme.FLOAT32));
                BoundsReport report = bounds(matrix, request.requirement(), baseline, evaluator);
                report.write(folder.resolve(BoundsReport.FILE));
                report.high().setting().write(folder.resolve(SETTING_HIGH));
                report.low().setting().write(folder.resolve(SETTING_LOW));
                return results(report);
            }
        });
        return new Result(outcome, BoundsReport.read(out));
    }

    private static BoundsReport bounds(SensitivityMatrix matrix, Requirement requirement, Trial baseline, TrialEvaluator evaluator) {
        double required = requirement.requiredAccuracy(baseline);
        // the same allowed drop, on the images of the matrix
        double requiredOnMatrix = matrix.baseline().accuracy() - (baseline.accuracy() - required);
        double highThreshold = requiredOnMatrix - requirement.toleranceHigh();
        double lowThreshold = requiredOnMatrix - requirement.toleranceLow();
        PrecisionBounds bounds = PrecisionBounds.of(matrix, highThreshold, lowThreshold);
        Setting high = bounds.high(matrix);
        Setting low = bounds.low(matrix);
        BoundsReport.Applied applied = new BoundsReport.Applied(baseline.accuracy(), requirement.maxDrop(),
                requirement.targetAccuracy(), required, requirement.toleranceHigh(), requirement.toleranceLow(),
                highThreshold, lowThreshold);
        Trial highTrial = evaluator.evaluate(high);
        Progress.line(String.format(Locale.ROOT, "bounds: 1/2 bSettingH: accuracy %.4f", highTrial.accuracy()));
        Trial lowTrial = evaluator.evaluate(low);
        Progress.line(String.format(Locale.ROOT, "bounds: 2/2 bSettingL: accuracy %.4f", lowTrial.accuracy()));
        return new BoundsReport(applied, bounds.groups(), BoundsReport.Base.of(high, highTrial, required),
                BoundsReport.Base.of(low, lowTrial, required));
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
