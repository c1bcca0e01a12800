package io.qsvit.step;

import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.quant.Scheme;
import io.qsvit.search.Journal;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.SensitivitySweep;
import io.qsvit.search.Shard;
import io.qsvit.search.SweepListener;
import io.qsvit.search.TrialEvaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code sensitivity} step (QSViT Algorithm 1): sweeps every group alone over the precisions and publishes
 * {@code sensitivity.json}, {@code sensitivity.csv} and {@code heatmap.svg}. Finished cells go to a journal
 * beside the output folder (hidden, named by the cache key), so a killed run resumes; it is deleted once the
 * output is published.
 */
public final class SensitivityStep {
    public static final String NAME = "sensitivity";
    public static final int ALGORITHM_VERSION = 1;
    /** QSViT's precision levels below float32. */
    public static final List<Scheme> DEFAULT_PRECISIONS = List.of(Scheme.parse("uniform16"), Scheme.parse("uniform12"),
            Scheme.parse("uniform8"), Scheme.parse("uniform4"));

    /**
     * @param precisions the columns of the matrix, in order (QSViT's levels, then any extra schemes)
     * @param shard      null for the whole sweep
     */
    public record Request(Path model, EvaluationData data, List<Scheme> precisions, Grouping grouping, Shard shard,
                          int batch, int threads) {
        public Request {
            precisions = List.copyOf(precisions);
            if (precisions.isEmpty()) {
                throw new UserInputException("no precisions to sweep");
            }
            Set<Scheme> seen = new HashSet<>();
            for (Scheme s : precisions) {
                if (s instanceof Scheme.Float32) {
                    throw new UserInputException("float32 is the baseline every sweep measures; list only lower precisions");
                }
                if (!seen.add(s)) {
                    throw new UserInputException("precision " + s.id() + " is listed twice");
                }
            }
        }
    }

    /** How the publish ended, and the published matrix. */
    public record Result(ArtifactFolder.Outcome outcome, SensitivityMatrix matrix) {
    }

    private SensitivityStep() {
    }

    public static Result run(Request request, Path out, SweepListener listener) {
        Preparation.Prepared prepared = ModelInput.load(request.model());
        ModelLayers layers = ModelLayers.of(prepared.model(), request.grouping());
        EnergyTable table = EnergyTable.defaults();
        StepContext context = context(request, prepared.original(), table);
        Path journalFile = journalFile(out, context.cacheKey());
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            try (TrialEvaluator evaluator = TrialEvaluator.open(layers, request.data(), table, request.threads(), request.batch());
                 Journal journal = Journal.open(journalFile)) {
                SensitivityMatrix matrix = new SensitivitySweep(evaluator, request.grouping(), request.precisions(),
                        request.shard()).run(journal, listener);
                return SensitivityFiles.write(folder, matrix);
            }
        });
        deleteJournal(journalFile); // also one left behind by a run killed after its publish
        return new Result(outcome, SensitivityMatrix.read(out));
    }

    /** What identifies a run; a whole run's parameters have no {@code shard} entry, so merged shards get its cache key. */
    static StepContext context(Request request, OnnxModel model, EnergyTable table) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("model", ModelDigest.of(model));
        inputs.put("data", request.data().digest());
        inputs.put("energy_table", Digests.ofCanonicalJson(table));
        return new StepContext(NAME, ALGORITHM_VERSION, parameters(request), inputs);
    }

    private static Map<String, Object> parameters(Request request) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("precisions", request.precisions().stream().map(Scheme::id).toList());
        p.put("grouping", request.grouping());
        p.putAll(request.data().parameters());
        p.put("batch", request.batch());
        p.put("preparation", Preparation.ID);
        if (request.shard() != null) {
            p.put("shard", request.shard().toString());
        }
        return p;
    }

    /** The journal of a run: hidden, beside the output folder, named by the folder and the run's cache key. */
    static Path journalFile(Path out, String cacheKey) {
        Path target = out.toAbsolutePath().normalize();
        return target.resolveSibling("." + target.getFileName() + "." + cacheKey.substring(0, 16) + ".journal");
    }

    private static void deleteJournal(Path journalFile) {
        try {
            Files.deleteIfExists(journalFile);
        } catch (IOException e) {
            throw new UserInputException("cannot delete the finished journal " + journalFile + ": " + e.getMessage());
        }
    }
}
