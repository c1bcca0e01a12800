package io.qsvit.step;

import io.qsvit.UserInputException;
import io.qsvit.model.ComputedKind;
import io.qsvit.model.ComputedSites;
import io.qsvit.quant.ComputedFormat;
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
import io.qsvit.eval.data.Dataset;
import io.qsvit.search.Journal;
import io.qsvit.search.JournaledEvaluator;
import io.qsvit.search.Racing;
import io.qsvit.search.RacedSweep;
import io.qsvit.search.RacingOrder;
import io.qsvit.search.Requirement;
import io.qsvit.search.WarmSweep;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.SensitivitySweep;
import io.qsvit.search.Shard;
import io.qsvit.search.SweepListener;
import io.qsvit.search.SweepMode;
import io.qsvit.search.TrialEvaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code sensitivity} step (QSViT Algorithm 1): sweeps every group alone over the precisions and publishes
 * {@code sensitivity.json}, {@code sensitivity.csv} and {@code heatmap.svg}. Finished cells go to a journal
 * beside the output folder (hidden, named by the cache key), so a killed run resumes; it is deleted once the
 * output is published.
 */
public final class SensitivityStep {
    public static final String NAME = "sensitivity";
    /** Seed of the class-balanced image order a warm-started sweep races on. */
    static final long WARM_RACING_SEED = 1;
    public static final int ALGORITHM_VERSION = 1;
    /** QSViT's precision levels below float32. */
    public static final List<Scheme> DEFAULT_PRECISIONS = List.of(Scheme.parse("uniform16"), Scheme.parse("uniform12"),
            Scheme.parse("uniform8"), Scheme.parse("uniform4"));

    /**
     * @param precisions the columns of the matrix, in order (QSViT's levels, then any extra schemes)
     * @param shard        null for the whole sweep
     * @param sweep        full (QSViT's) or raced; a warm start, when the release allows one, supersedes it
     * @param requirement  the run's requirement: a raced sweep decides its cells at its thresholds (null for full)
     * @param prefixBudget bytes of activations kept so that a group's cells run the float prefix before it once
     *                     (0: every cell runs the whole model); results do not depend on it
     * @param computed     kinds of computed tensors whose groups are swept too, after the weight groups (none: weights only)
     */
    public record Request(Path model, EvaluationData data, List<Scheme> precisions, Grouping grouping, Shard shard,
                          int batch, int threads, WarmStart warm, SweepMode sweep, Requirement requirement,
                          long prefixBudget, Set<ComputedKind> computed) {
        /** A sweep of the weight groups only. */
        public Request(Path model, EvaluationData data, List<Scheme> precisions, Grouping grouping, Shard shard,
                       int batch, int threads, WarmStart warm, SweepMode sweep, Requirement requirement,
                       long prefixBudget) {
            this(model, data, precisions, grouping, shard, batch, threads, warm, sweep, requirement, prefixBudget, Set.of());
        }

        /** A cold full sweep. */
        public Request(Path model, EvaluationData data, List<Scheme> precisions, Grouping grouping, Shard shard,
                       int batch, int threads) {
            this(model, data, precisions, grouping, shard, batch, threads, null);
        }

        /** A full sweep, or a warm start that falls back to one, keeping the default prefix budget. */
        public Request(Path model, EvaluationData data, List<Scheme> precisions, Grouping grouping, Shard shard,
                       int batch, int threads, WarmStart warm) {
            this(model, data, precisions, grouping, shard, batch, threads, warm, SweepMode.FULL, null);
        }

        /** A sweep in {@code sweep} mode keeping the default prefix budget. */
        public Request(Path model, EvaluationData data, List<Scheme> precisions, Grouping grouping, Shard shard,
                       int batch, int threads, WarmStart warm, SweepMode sweep, Requirement requirement) {
            this(model, data, precisions, grouping, shard, batch, threads, warm, sweep, requirement,
                    TrialEvaluator.DEFAULT_PREFIX_BUDGET);
        }

        public Request {
            if (prefixBudget < 0) {
                throw new UserInputException("the prefix cache budget must be 0 (off) or more, not " + prefixBudget);
            }
            if (warm != null && shard != null) {
                throw new UserInputException("a warm-started sweep is not sharded");
            }
            if (sweep == null) {
                sweep = SweepMode.FULL;
            }
            if (sweep == SweepMode.RACED && requirement == null) {
                throw new UserInputException("--sweep raced decides cells against the requirement: give --max-drop "
                        + "or --target-accuracy (or --sweep full)");
            }
            if (sweep == SweepMode.RACED && shard != null) {
                throw new UserInputException("a raced sweep is not sharded; shard a --sweep full run");
            }
            if (sweep == SweepMode.FULL) {
                requirement = null; // a full matrix serves any requirement, so none enters its cache key
            }
            precisions = List.copyOf(precisions);
            if (precisions.isEmpty()) {
                throw new UserInputException("no precisions to sweep");
            }
            computed = computed == null ? Set.of() : Set.copyOf(computed);
            if (!computed.isEmpty()) {
                if (sweep != SweepMode.FULL || warm != null) {
                    throw new UserInputException("computed tensors are swept by the full sweep (--sweep full), not "
                            + (warm != null ? "a warm start" : "a raced one"));
                }
                for (Scheme s : precisions) { // each must be a format a computed tensor can take
                    ComputedFormat.of(s, 1.0, "--computed at precision " + s.id());
                }
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

    /**
     * The released model's sensitivity output to start from ({@link WarmSweep}), used when the new model has
     * the same groups, kinds and sizes; otherwise the sweep runs cold and says why.
     *
     * @param release     a sensitivity output folder (or a run's, holding one)
     * @param requirement the run's requirement: it places the thresholds that decide which cells matter
     */
    public record WarmStart(Path release, Requirement requirement, double margin) {
    }

    /** Racing prefixes of a warm-started sweep: a quarter and a half of the images, then all. */
    static List<Integer> warmStages(int images) {
        return List.of(images / 4, images / 2);
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
        SensitivityMatrix prior = prior(request, layers, listener);
        StepContext context = context(request, prepared.original(), table, prior);
        Path journalFile = journalFile(out, context.cacheKey());
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            if (prior != null) {
                return warm(request, layers, table, prior, journalFile, folder, listener);
            }
            if (request.sweep() == SweepMode.RACED) {
                return raced(request, layers, table, journalFile, folder, listener);
            }
            try (TrialEvaluator evaluator = TrialEvaluator.open(layers, request.data(), table, request.threads(), request.batch());
                 Journal journal = Journal.open(journalFile)) {
                evaluator.prefixBudget(request.prefixBudget());
                SensitivitySweep sweep;
                if (request.computed().isEmpty()) {
                    sweep = new SensitivitySweep(evaluator, request.grouping(), request.precisions(), request.shard());
                } else {
                    ComputedSites sites = ComputedSites.of(layers).only(request.computed());
                    if (sites.isEmpty()) {
                        throw new UserInputException(request.model() + " computes no " + request.computed().stream()
                                .map(ComputedKind::id).sorted().toList() + " tensors qsvit can find");
                    }
                    sweep = new SensitivitySweep(evaluator, request.grouping(), request.precisions(), request.shard(),
                            sites.groups(), evaluator.calibrate(sites).ranges());
                }
                SensitivityMatrix matrix = sweep.run(journal, listener);
                return SensitivityFiles.write(folder, matrix);
            }
        });
        deleteJournal(journalFile); // also one left behind by a run killed after its publish
        return new Result(outcome, SensitivityMatrix.read(out));
    }

    /** What identifies a run; a whole run's parameters have no {@code shard} entry, so merged shards get its cache key. */
    static StepContext context(Request request, OnnxModel model, EnergyTable table) {
        return context(request, model, table, null);
    }

    private static StepContext context(Request request, OnnxModel model, EnergyTable table, SensitivityMatrix prior) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("model", ModelDigest.of(model));
        inputs.put("data", request.data().digest());
        inputs.put("energy_table", Digests.ofCanonicalJson(table));
        Map<String, Object> parameters = parameters(request);
        if (prior != null) { // a warm start adds the release and its thresholds; a cold sweep has neither
            inputs.put("release_sensitivity", Digests.ofCanonicalJson(prior));
            Map<String, Object> warm = new LinkedHashMap<>(request.warm().requirement().parameters());
            warm.put("margin", request.warm().margin());
            warm.put("racing_seed", WARM_RACING_SEED);
            parameters.put("warm_start", warm);
        }
        return new StepContext(NAME, ALGORITHM_VERSION, parameters, inputs);
    }

    /** The released matrix when the request asks for a warm start and the model's structure allows one. */
    private static SensitivityMatrix prior(Request request, ModelLayers layers, SweepListener listener) {
        if (request.warm() == null) {
            return null;
        }
        Path release = request.warm().release();
        Path folder = Files.isRegularFile(release.resolve(SensitivityMatrix.FILE)) ? release : release.resolve(NAME);
        if (!Files.isRegularFile(folder.resolve(SensitivityMatrix.FILE))) {
            listener.warn("no warm start: the release " + release + " holds no sensitivity matrix; sweeping cold");
            return null;
        }
        SensitivityMatrix prior = SensitivityMatrix.read(folder);
        Optional<String> why = WarmSweep.incompatibility(prior, layers, request.grouping(), request.precisions());
        if (why.isPresent()) {
            listener.warn("no warm start: " + why.get() + "; sweeping cold");
            return null;
        }
        return prior;
    }

    private static Map<String, Object> warm(Request request, ModelLayers layers, EnergyTable table, SensitivityMatrix prior,
                                            Path journalFile, Path folder, SweepListener listener) throws IOException {
        try (TrialEvaluator evaluator = TrialEvaluator.open(layers, request.data(),
                data -> RacingOrder.of(data, WARM_RACING_SEED), table, request.threads(), request.batch());
             Journal journal = Journal.open(journalFile)) {
            Dataset images = evaluator.images();
            journal.problems().forEach(listener::warn);
            JournaledEvaluator evaluations = new JournaledEvaluator(evaluator, images, journal, NAME);
            WarmSweep.Result result = new WarmSweep(new Racing(evaluations, warmStages(images.size())), layers,
                    request.grouping(), request.precisions(), prior, request.warm().requirement(), request.warm().margin())
                    .run(listener);
            Map<String, Object> results = SensitivityFiles.write(folder, result.matrix());
            Map<String, Object> tally = new LinkedHashMap<>();
            tally.put("cells_carried_over", result.tally().carried());
            tally.put("cells_raced", result.tally().raced());
            tally.put("cells_measured", result.tally().measured());
            tally.put("images_evaluated", result.tally().imagesEvaluated());
            results.put("warm_start", tally);
            return results;
        }
    }

    private static Map<String, Object> raced(Request request, ModelLayers layers, EnergyTable table, Path journalFile,
                                             Path folder, SweepListener listener) throws IOException {
        try (TrialEvaluator evaluator = TrialEvaluator.open(layers, request.data(),
                data -> RacingOrder.of(data, RacedSweep.DEFAULT_SEED), table, request.threads(), request.batch());
             Journal journal = Journal.open(journalFile)) {
            Dataset images = evaluator.images();
            journal.problems().forEach(listener::warn);
            JournaledEvaluator evaluations = new JournaledEvaluator(evaluator, images, journal, NAME);
            RacedSweep.Result result = new RacedSweep(new Racing(evaluations, RacedSweep.stages(images.size())), layers,
                    request.grouping(), request.precisions(), request.requirement(), RacedSweep.DEFAULT_MARGIN,
                    RacedSweep.DEFAULT_SEED).run(listener);
            Map<String, Object> results = SensitivityFiles.write(folder, result.matrix());
            Map<String, Object> tally = new LinkedHashMap<>();
            tally.put("cells_measured", result.tally().measured());
            tally.put("cells_raced", result.tally().raced());
            tally.put("cells_inferred", result.tally().inferred());
            tally.put("images_evaluated", result.tally().imagesEvaluated());
            tally.put("images_of_full_sweep", (long) images.size() * (1 + layers.groups().size() * request.precisions().size()));
            results.put("raced", tally);
            return results;
        }
    }

    private static Map<String, Object> parameters(Request request) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("precisions", request.precisions().stream().map(Scheme::id).toList());
        p.put("grouping", request.grouping());
        p.put("sweep", request.sweep().id());
        if (!request.computed().isEmpty()) { // absent for weights only: older cache keys stay valid
            p.put("computed", request.computed().stream().map(ComputedKind::id).sorted().toList());
        }
        if (request.sweep() == SweepMode.RACED) {
            Map<String, Object> racing = new LinkedHashMap<>(request.requirement().parameters());
            racing.put("margin", RacedSweep.DEFAULT_MARGIN);
            racing.put("racing_seed", RacedSweep.DEFAULT_SEED);
            racing.put("proxy", "weight_error");
            p.put("racing", racing);
        }
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

    static void deleteJournal(Path journalFile) {
        try {
            Files.deleteIfExists(journalFile);
        } catch (IOException e) {
            throw new UserInputException("cannot delete the finished journal " + journalFile + ": " + e.getMessage());
        }
    }
}
