package io.qsvit.step;

import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.ModelEvaluation;
import io.qsvit.model.prepare.Preparation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code evaluate} step: measures a model (and optionally a baseline, usually the float model it came
 * from) on the same images, and writes {@code metadata.json} with every number plus {@code report.md}, a
 * side-by-side report for people.
 */
public final class EvaluateStep {
    public static final String NAME = "evaluate";
    public static final int ALGORITHM_VERSION = 1;
    public static final String REPORT_FILE = "report.md";
    /** Images per ONNX Runtime call unless asked otherwise. */
    public static final int DEFAULT_BATCH = 250;

    /**
     * @param baseline    null for none
     * @param energyTable null for the bundled 45 nm table
     */
    public record Request(Path model, Path baseline, EvaluationData data, Path energyTable, int batch, int threads) {
    }

    /**
     * What was measured (null when restored from the cache or found already published), and how a publish
     * ended (null without one).
     */
    public record Result(ArtifactFolder.Outcome outcome, ModelEvaluation model, ModelEvaluation baseline) {
    }

    private EvaluateStep() {
    }

    /** Measures without writing anything (the CLI without --out). */
    public static Result measure(Request request) {
        Inputs in = Inputs.load(request);
        ModelEvaluation model = ModelEvaluation.run(in.model.model(), request.data(), in.table, request.threads(), request.batch());
        ModelEvaluation baseline = in.baseline == null ? null
                : ModelEvaluation.run(in.baseline.model(), request.data(), in.table, request.threads(), request.batch());
        return new Result(null, model, baseline);
    }

    /** Measures and publishes {@code metadata.json} and the report into {@code out}, or finds them there already. */
    public static Result run(Request request, Path out) {
        Inputs in = Inputs.load(request);
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put("model", ModelDigest.of(in.model.original()));
        digests.put("data", request.data().digest());
        if (in.baseline != null) {
            digests.put("baseline", ModelDigest.of(in.baseline.original()));
        }
        digests.put("energy_table", Digests.ofCanonicalJson(in.table));
        Map<String, Object> parameters = new LinkedHashMap<>(request.data().parameters());
        parameters.put("batch", request.batch());
        parameters.put("preparation", Preparation.ID);
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters, digests);
        Result[] measured = new Result[1];
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            measured[0] = measure(request);
            timings.put("model_images_per_second", measured[0].model().imagesPerSecond());
            EvaluationResults.Measured baseline = null;
            if (in.baseline != null) {
                timings.put("baseline_images_per_second", measured[0].baseline().imagesPerSecond());
                baseline = new EvaluationResults.Measured(in.baseline.model(), digests.get("baseline"), measured[0].baseline());
            }
            EvaluationResults results = new EvaluationResults(
                    new EvaluationResults.Measured(in.model.model(), digests.get("model"), measured[0].model()), baseline, in.table);
            Files.writeString(folder.resolve(REPORT_FILE), EvaluationReport.markdown(results));
            return results.toMap();
        });
        return measured[0] == null ? new Result(outcome, null, null)
                : new Result(outcome, measured[0].model(), measured[0].baseline());
    }

    /** The request's files, loaded and checked before anything runs. */
    private record Inputs(Preparation.Prepared model, Preparation.Prepared baseline, EnergyTable table) {
        static Inputs load(Request request) {
            return new Inputs(ModelInput.load(request.model()),
                    request.baseline() == null ? null : ModelInput.load(request.baseline()),
                    request.energyTable() == null ? EnergyTable.defaults() : EnergyTable.read(request.energyTable()));
        }
    }
}
