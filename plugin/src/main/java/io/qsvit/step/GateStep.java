package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.artifact.StepMetadata;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.ModelEvaluation;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The release gate of a retraining flow: evaluates the new quantized model and the released one on the same
 * images (one ONNX Runtime session each, as {@code evaluate} does) and checks {@link ReleaseGates}. A failed
 * gate is a result, not an error: the step publishes its verdict either way ({@code results.verdict},
 * {@code results.gates} with each gate's margin, {@code report.md}), and the command decides what a failure
 * stops (exit code 3, no push).
 */
public final class GateStep {
    public static final String NAME = "gate";
    public static final int ALGORITHM_VERSION = 1;
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param model       the new quantized model (an apply or run output folder, or an ONNX file)
     * @param release     the released model, in the same forms
     * @param energyTable null for the bundled 45 nm table
     */
    public record Request(Path model, Path release, EvaluationData data, ReleaseGates gates, Path energyTable,
                          int batch, int threads) {
    }

    /** The verdict and every gate's outcome, read back from the published metadata (so a cached run has them too). */
    public record Result(ArtifactFolder.Outcome outcome, boolean passed, List<String> lines) {
    }

    private GateStep() {
    }

    public static Result run(Request request, Path out) {
        Preparation.Prepared model = ModelInput.load(request.model());
        Preparation.Prepared release = ModelInput.load(request.release());
        EnergyTable table = request.energyTable() == null ? EnergyTable.defaults() : EnergyTable.read(request.energyTable());
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put("model", ModelDigest.of(model.original()));
        digests.put("release", ModelDigest.of(release.original()));
        digests.put("data", request.data().digest());
        digests.put("energy_table", Digests.ofCanonicalJson(table));
        Map<String, Object> parameters = new LinkedHashMap<>(request.data().parameters());
        parameters.put("batch", request.batch());
        parameters.put("gates", request.gates().toMap());
        parameters.put("preparation", Preparation.ID);
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters, digests);
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            ModelEvaluation candidate = ModelEvaluation.run(model.model(), request.data(), table, request.threads(), request.batch());
            ModelEvaluation released = ModelEvaluation.run(release.model(), request.data(), table, request.threads(), request.batch());
            List<ReleaseGates.Check> checks = request.gates().check(candidate, released);
            boolean passed = checks.stream().allMatch(ReleaseGates.Check::passed);
            EvaluationResults evaluation = new EvaluationResults(
                    new EvaluationResults.Measured(model.model(), digests.get("model"), candidate),
                    new EvaluationResults.Measured(release.model(), digests.get("release"), released), table);
            Files.writeString(folder.resolve(EvaluateStep.REPORT_FILE), report(passed, checks, candidate, released)
                    + "\n" + EvaluationReport.markdown(evaluation).replaceFirst("# qsvit evaluation", "## Evaluation (baseline: the released model)"));
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("verdict", passed ? PASSED : FAILED);
            results.put("passed", passed);
            results.put("failed_gates", checks.stream().filter(c -> !c.passed()).count());
            results.put("gates", checks.stream().map(ReleaseGates.Check::toMap).toList());
            results.put("evaluation", evaluation.toMap());
            return results;
        });
        return read(out, outcome);
    }

    /** The verdict of a published gate folder. */
    public static Result read(Path out, ArtifactFolder.Outcome outcome) {
        try {
            JsonNode results = JSON.readTree(out.resolve(StepMetadata.FILE).toFile()).path("results");
            List<String> lines = new ArrayList<>();
            for (JsonNode g : results.path("gates")) {
                lines.add(new ReleaseGates.Check(g.path("gate").asText(), g.path("unit").asText(),
                        g.path("candidate").asDouble(), g.path("released").asDouble(), g.path("limit").asDouble(),
                        g.path("margin").asDouble(), g.path("passed").asBoolean()).describe());
            }
            return new Result(outcome, results.path("passed").asBoolean(false), lines);
        } catch (IOException e) {
            throw new UserInputException("cannot read the gate's verdict in " + out + ": " + e.getMessage());
        }
    }

    private static String report(boolean passed, List<ReleaseGates.Check> checks, ModelEvaluation candidate,
                                 ModelEvaluation released) {
        StringBuilder md = new StringBuilder("# qsvit release gate: ").append(passed ? PASSED : FAILED).append("\n\n");
        md.append("| gate | candidate | released | limit | margin | result |\n|---|---:|---:|---:|---:|---|\n");
        for (ReleaseGates.Check c : checks) {
            md.append(String.format(Locale.ROOT, "| %s (%s) | %.6g | %.6g | %.6g | %+.6g | %s |%n", c.gate(), c.unit(),
                    c.candidate(), c.released(), c.limit(), c.margin(), c.passed() ? "passed" : "**failed**"));
        }
        double[] ci = candidate.top1().interval95();
        double[] ri = released.top1().interval95();
        md.append(String.format(Locale.ROOT, "%nAccuracy on the same %d images, Wilson 95%% intervals: candidate %.4f [%.4f, %.4f], "
                        + "released %.4f [%.4f, %.4f].%n", candidate.top1().total(), candidate.top1().value(), ci[0], ci[1],
                released.top1().value(), ri[0], ri[1]));
        return md.toString();
    }
}
