package io.qsvit.step;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.eval.ComputedRanges;
import io.qsvit.eval.InputMeans;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.Group;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.search.AccuracyRequirement;
import io.qsvit.search.Bounds;
import io.qsvit.search.Budget;
import io.qsvit.search.Exploration;
import io.qsvit.search.GroupEnergy;
import io.qsvit.search.GuidedSearch;
import io.qsvit.search.HeterogeneousSearch;
import io.qsvit.search.Journal;
import io.qsvit.search.JournaledEvaluator;
import io.qsvit.search.LoggedTrial;
import io.qsvit.search.Objective;
import io.qsvit.search.ParetoFront;
import io.qsvit.search.Racing;
import io.qsvit.search.RacingOrder;
import io.qsvit.search.SearchSpace;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Trial;
import io.qsvit.search.TrialEvaluator;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.Setting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.function.ToDoubleFunction;

/**
 * The {@code explore} step (QSViT Alg. 3 and SpikeHQ's heterogeneous search): searches settings of a model
 * on the exploration data and publishes every trial ({@value #TRIALS_FILE}), the Pareto fronts
 * ({@value #PARETO_FILE} and {@value #PLOT_FILE}), the chosen setting ({@value #SETTING_FILE}, ready for
 * {@code apply}) and the metadata. Every evaluation is journaled beside the output folder until the
 * artifact is published, so a killed run resumes where it stopped and reaches the same result.
 */
public final class ExploreStep {
    public static final String NAME = "explore";
    public static final int ALGORITHM_VERSION = 1;
    public static final String TRIALS_FILE = "trials.jsonl";
    public static final String PARETO_FILE = "pareto.json";
    public static final String PLOT_FILE = "pareto.svg";
    public static final String SETTING_FILE = "setting.json";
    public static final String PARETO_SCHEMA = "qsvit.pareto/v1";
    public static final List<Integer> DEFAULT_RACING = List.of(500, 2000);
    public static final int DEFAULT_PROBE_IMAGES = 500;
    public static final long DEFAULT_RACING_SEED = 1;

    private static final ObjectMapper LINE = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);


    public enum Strategy {
        GUIDED, HETEROGENEOUS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param sensitivity  null for none
     * @param maxDrop      overrides the bounds' requirement (null: keep it); at most one of this and targetAccuracy
     * @param budget       heterogeneous only; null for none
     * @param racing       prefix sizes of the racing stages; empty to evaluate every candidate on all images
     * @param space        heterogeneous only
     * @param probeImages  heterogeneous only: images of the per-group probes (a racing stage too)
     * @param racingSeed   seed of the class-balanced order the images are raced in
     * @param energyTable  null for the bundled 45 nm table
     * @param start        the released setting to start from (warm start: a setting file, or an explore, apply or
     *                     run output folder), or null; ignored with a warning when it does not fit the model
     * @param objective    the cost to minimise under the requirement; null for accounted memory (heterogeneous) or
     *                     QSViT's order (guided, which then spends accuracy only on moves that lower the cost)
     * @param paired       accept a candidate only when the upper 95% bound of its paired drop against the float
     *                     model (same images, {@link PairedDrop}) is within the maximum drop
     * @param holdout      images kept from the search (the last ones in racing order) for the final check of the
     *                     chosen setting, reported in the results; 0 for none
     * @param prefixBudget bytes of float-prefix activations kept so that trials changing only later groups run
     *                     just the suffix ({@link TrialEvaluator#prefixBudget}); 0 runs the whole model every trial.
     *                     The results are the same either way
     * @param biasCorrection evaluate every candidate with bias correction, calibrated on the searched images, as
     *                     {@code apply --bias-correction} would build it
     */
    public record Request(Path model, EvaluationData data, Path bounds, Path sensitivity, Strategy strategy,
                          Double maxDrop, Double targetAccuracy, Budget budget, List<Integer> racing,
                          SearchSpace space, int probeImages, long racingSeed, Path energyTable, int batch, int threads,
                          Path start, Objective objective, boolean paired, int holdout, long prefixBudget,
                          boolean biasCorrection) {
        /** With the default prefix budget, candidates as apply builds them without bias correction. */
        public Request(Path model, EvaluationData data, Path bounds, Path sensitivity, Strategy strategy,
                       Double maxDrop, Double targetAccuracy, Budget budget, List<Integer> racing,
                       SearchSpace space, int probeImages, long racingSeed, Path energyTable, int batch, int threads,
                       Path start, Objective objective, boolean paired, int holdout) {
            this(model, data, bounds, sensitivity, strategy, maxDrop, targetAccuracy, budget, racing, space, probeImages,
                    racingSeed, energyTable, batch, threads, start, objective, paired, holdout,
                    TrialEvaluator.DEFAULT_PREFIX_BUDGET, false);
        }

        /** Candidates as apply builds them without bias correction. */
        public Request(Path model, EvaluationData data, Path bounds, Path sensitivity, Strategy strategy,
                       Double maxDrop, Double targetAccuracy, Budget budget, List<Integer> racing,
                       SearchSpace space, int probeImages, long racingSeed, Path energyTable, int batch, int threads,
                       Path start, Objective objective, boolean paired, int holdout, long prefixBudget) {
            this(model, data, bounds, sensitivity, strategy, maxDrop, targetAccuracy, budget, racing, space, probeImages,
                    racingSeed, energyTable, batch, threads, start, objective, paired, holdout, prefixBudget, false);
        }

        /** Plain acceptance on all images. */
        public Request(Path model, EvaluationData data, Path bounds, Path sensitivity, Strategy strategy,
                       Double maxDrop, Double targetAccuracy, Budget budget, List<Integer> racing,
                       SearchSpace space, int probeImages, long racingSeed, Path energyTable, int batch, int threads,
                       Path start, Objective objective) {
            this(model, data, bounds, sensitivity, strategy, maxDrop, targetAccuracy, budget, racing, space, probeImages,
                    racingSeed, energyTable, batch, threads, start, objective, false, 0);
        }

        /** Minimising accounted memory (no objective named). */
        public Request(Path model, EvaluationData data, Path bounds, Path sensitivity, Strategy strategy,
                       Double maxDrop, Double targetAccuracy, Budget budget, List<Integer> racing,
                       SearchSpace space, int probeImages, long racingSeed, Path energyTable, int batch, int threads,
                       Path start) {
            this(model, data, bounds, sensitivity, strategy, maxDrop, targetAccuracy, budget, racing, space, probeImages,
                    racingSeed, energyTable, batch, threads, start, null);
        }

        /** A cold search (no released setting to start from). */
        public Request(Path model, EvaluationData data, Path bounds, Path sensitivity, Strategy strategy,
                       Double maxDrop, Double targetAccuracy, Budget budget, List<Integer> racing,
                       SearchSpace space, int probeImages, long racingSeed, Path energyTable, int batch, int threads) {
            this(model, data, bounds, sensitivity, strategy, maxDrop, targetAccuracy, budget, racing, space, probeImages,
                    racingSeed, energyTable, batch, threads, null);
        }

        public Request {
            racing = List.copyOf(racing);
            for (int stage : racing) {
                if (stage < 1) {
                    throw new UserInputException("racing stages are image counts above 0, got " + stage);
                }
            }
            if (strategy == Strategy.GUIDED && budget != null) {
                throw new UserInputException("a budget applies to the heterogeneous strategy only");
            }
            if (objective != null && budget != null) {
                throw new UserInputException("give an objective (the cheapest setting meeting the requirement) or a "
                        + "budget (the most accurate setting within it), not both");
            }
            if (holdout < 0) {
                throw new UserInputException("held-out images must be 0 or more, got " + holdout);
            }
            if (probeImages < 1) {
                throw new UserInputException("probe images must be above 0, got " + probeImages);
            }
            if (prefixBudget < 0) {
                throw new UserInputException("the prefix cache budget must be 0 (off) or more, not " + prefixBudget);
            }
        }

        /** The racing stages with the probe size, which heterogeneous needs as a stage. */
        List<Integer> stages() {
            List<Integer> stages = new ArrayList<>(racing);
            if (strategy == Strategy.HETEROGENEOUS) {
                stages.add(probeImages);
            }
            return stages;
        }
    }

    /** How a publish ended, the search and the metadata's results (both null when the artifact was up to date). */
    public record Result(ArtifactFolder.Outcome outcome, Exploration.Result search, Map<String, Object> results) {
    }

    private ExploreStep() {
    }

    public static Result run(Request request, Path out) {
        Inputs in = Inputs.load(request);
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters(request, in), digests(request, in));
        Path target = out.toAbsolutePath().normalize();
        Path journalFile = target.resolveSibling("." + target.getFileName() + ".explore-"
                + context.cacheKey().substring(0, 16) + ".journal");
        Exploration.Result[] found = new Exploration.Result[1];
        List<Map<String, Object>> results = new ArrayList<>();
        ArtifactFolder.Outcome outcome = ArtifactFolder.publish(out, context, (folder, timings) -> {
            long start = System.nanoTime();
            Map<String, Object> checks = new LinkedHashMap<>();
            found[0] = search(request, in, journalFile, checks, timings);
            timings.put("search_seconds", (System.nanoTime() - start) / 1e9);
            Map<String, Object> written = write(folder, request, in, found[0]);
            written.putAll(checks);
            results.add(written);
            return results.get(0);
        });
        Folders.deleteRecursively(journalFile);
        return new Result(outcome, found[0], results.isEmpty() ? null : results.get(0));
    }

    /** Runs the search; {@code checks} receives the chosen setting's paired drop and held-out check, when asked for. */
    private static Exploration.Result search(Request request, Inputs in, Path journalFile, Map<String, Object> checks,
                                             Map<String, Double> timings) {
        Journal journal = Journal.open(journalFile);
        // the data opens with the model's sample shape, as in the other steps (libsvm and image folders need it)
        try (journal; TrialEvaluator evaluator = TrialEvaluator.open(in.layers, request.data(),
                data -> RacingOrder.of(data, request.racingSeed()), in.table, request.threads(), request.batch())) {
            journal.problems().forEach(System.err::println);
            evaluator.prefixBudget(request.prefixBudget()).keepFloatPrefix(true);
            // computed groups the bounds set are searched too: sized (their state costs memory and energy) and given
            // the ranges the sensitivity sweep calibrated (calibrated here where the bounds hold none)
            ComputedSites computedSites = ComputedSites.of(in.layers).onlyGroups(in.bounds.high().groups().keySet());
            List<Group> computedGroups = List.of();
            if (!computedSites.isEmpty()) {
                ComputedRanges calibration = evaluator.calibrate(computedSites);
                Map<String, Double> ranges = new java.util.TreeMap<>(calibration.ranges());
                ranges.putAll(in.bounds.low().ranges());
                ranges.putAll(in.bounds.high().ranges());
                evaluator.ranges(ranges);
                computedGroups = calibration.groups(computedSites);
            }
            Dataset all = evaluator.images();
            if (request.holdout() >= all.size()) {
                throw new UserInputException("--holdout " + request.holdout() + " leaves no images to search: the data has "
                        + all.size());
            }
            Dataset searched = request.holdout() == 0 ? all : all.first(all.size() - request.holdout());
            if (request.biasCorrection()) {
                // calibrated on the searched images only (held-out ones stay unseen); one thread and fixed batches,
                // as apply measures them: the same means, so the same corrected biases, on every machine
                Map<String, double[]> means = InputMeans.measure(in.layers, in.bounds.high().grouping(), searched, 1,
                        ApplyStep.CALIBRATION_BATCH);
                evaluator.biasCorrection(means);
                Map<String, Object> correction = new LinkedHashMap<>();
                correction.put("calibration_images", searched.size());
                correction.put("calibrated_inputs", means.size());
                checks.put("bias_correction", correction);
            }
            JournaledEvaluator evaluations = new JournaledEvaluator(evaluator, searched, journal);
            Exploration exploration = new Exploration(in.layers, in.bounds.high().grouping(),
                    new Racing(evaluations, request.stages()), in.requirement).withComputed(computedGroups);
            Exploration.Strategy strategy;
            GroupEnergy energy = request.objective() != null && request.objective().uses(Objective.Cost.ENERGY)
                    ? evaluator.groupEnergy(in.bounds.high().grouping(), request.probeImages()) : null;
            if (request.strategy() == Strategy.GUIDED) {
                strategy = new GuidedSearch(in.bounds, in.sensitivity, in.start, request.objective(), energy);
            } else if (request.objective() != null) {
                strategy = new HeterogeneousSearch(request.space(), in.sensitivity, request.probeImages(), in.start,
                        request.objective(), energy);
            } else {
                strategy = new HeterogeneousSearch(request.space(), request.budget(), in.sensitivity, request.probeImages(), in.start);
            }
            Exploration.Result result = exploration.run(strategy, evaluations);
            // how the time went, not what was found: the measured costs decide which trials ran a suffix only
            timings.put("suffix_only_evaluations", (double) evaluator.suffixRuns());
            Setting chosen = result.chosen().trial().setting();
            if (in.requirement.paired()) {
                checks.put("paired_drop", HeldOut.describe(exploration.pairedDrop(chosen), in.requirement));
            }
            if (request.holdout() > 0) {
                Dataset held = all.select(IntStream.range(searched.size(), all.size()).toArray());
                checks.put("holdout", HeldOut.check(evaluator, held, in.bounds.high().grouping(), chosen, in.requirement));
            }
            return result;
        } catch (UserInputException e) {
            Folders.deleteRecursively(journalFile); // a definite answer: nothing to resume
            throw e;
        }
    }

    private static Map<String, Object> write(Path folder, Request request, Inputs in, Exploration.Result result)
            throws IOException {
        StringBuilder lines = new StringBuilder();
        for (LoggedTrial t : result.trials()) {
            lines.append(LINE.writeValueAsString(t)).append('\n');
        }
        Files.writeString(folder.resolve(TRIALS_FILE), lines.toString(), StandardCharsets.UTF_8);
        int images = result.floatTrial().trial().images();
        List<LoggedTrial> onAll = result.trials().stream().filter(t -> t.trial().images() == images).toList();
        ToDoubleFunction<Trial> memory = t -> memoryBits(t, in.layers);
        List<LoggedTrial> memoryFront = ParetoFront.of(onAll, memory);
        List<LoggedTrial> energyFront = ParetoFront.of(onAll, Trial::energyMicrojoules);
        Map<String, Object> pareto = new LinkedHashMap<>();
        pareto.put("schema", PARETO_SCHEMA);
        pareto.put("images", images);
        pareto.put("accuracy_vs_memory", memoryFront);
        pareto.put("accuracy_vs_energy", energyFront);
        Files.writeString(folder.resolve(PARETO_FILE), PRETTY.writeValueAsString(pareto) + "\n", StandardCharsets.UTF_8);
        ParetoPlot.write(folder.resolve(PLOT_FILE), onAll, memoryFront, energyFront, t -> memory.applyAsDouble(t) / 8 / 1024,
                result.required());
        Files.writeString(folder.resolve(SETTING_FILE),
                PRETTY.writeValueAsString(result.chosen().trial().setting()) + "\n", StandardCharsets.UTF_8);
        return results(request, in, result, memoryFront.size(), energyFront.size());
    }

    private static Map<String, Object> results(Request request, Inputs in, Exploration.Result result,
                                               int memoryFront, int energyFront) {
        Trial chosen = result.chosen().trial();
        Trial floatTrial = result.floatTrial().trial();
        Map<String, Object> requirement = new LinkedHashMap<>(in.requirement.toMap());
        requirement.put("float_accuracy", floatTrial.accuracy());
        requirement.put("required_accuracy", result.required());
        requirement.put("images", floatTrial.images());
        Map<String, Object> picked = new LinkedHashMap<>();
        picked.put("index", result.chosen().index());
        picked.put("role", result.chosen().role());
        picked.put("setting", chosen.setting());
        picked.put("images", chosen.images());
        picked.put("correct", chosen.correct());
        picked.put("accuracy", chosen.accuracy());
        picked.put("accuracy_interval95", chosen.interval95());
        picked.put("effective_bits", chosen.effectiveBits());
        MemoryAccount memory = chosen.setting().memory(in.layers);
        picked.put("memory_bits", memory.weightBits() + memory.overheadBits());
        picked.put("memory_saving_vs_float32", memory.savingVsFloat32());
        picked.put("storage_bytes", chosen.storageBytes());
        picked.put("storage_saving_vs_float32", 1 - (double) chosen.storageBytes() / floatTrial.storageBytes());
        picked.put("energy_microjoules", chosen.energyMicrojoules());
        picked.put("energy_saving_vs_float32", 1 - chosen.energyMicrojoules() / floatTrial.energyMicrojoules());
        Map<String, Object> fronts = new LinkedHashMap<>();
        fronts.put("accuracy_vs_memory", memoryFront);
        fronts.put("accuracy_vs_energy", energyFront);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("strategy", request.strategy().id());
        if (request.objective() != null) {
            results.put("objective", request.objective().id());
        }
        results.put("requirement", requirement);
        results.put("requirement_met", in.requirement.isMet(chosen.accuracy(), result.required()));
        results.put("chosen", picked);
        results.put("trials", result.trials().size());
        results.put("images_evaluated", result.imagesEvaluated());
        results.put("pareto_sizes", fronts);
        return results;
    }

    /** Accounted memory of a trial's weights: params x bits plus scales, zero points and tables. */
    static double memoryBits(Trial trial, ModelLayers layers) {
        MemoryAccount memory = trial.setting().memory(layers);
        return memory.weightBits() + memory.overheadBits();
    }

    private static Map<String, Object> parameters(Request request, Inputs in) {
        Map<String, Object> p = new LinkedHashMap<>(request.data().parameters());
        p.put("strategy", request.strategy().id());
        p.put("requirement", in.requirement.toMap());
        p.put("budget", request.budget() == null ? null : request.budget().toMap());
        p.put("racing", request.racing());
        p.put("racing_seed", request.racingSeed());
        if (request.strategy() == Strategy.HETEROGENEOUS) {
            p.put("space", request.space().ids());
            p.put("probe_images", request.probeImages());
            if (request.objective() != null) { // without one, the key it always had
                p.put("objective", request.objective().id());
            }
        } else if (request.objective() != null) { // guided without one keeps the key it always had
            p.put("objective", request.objective().id());
        }
        if (request.biasCorrection()) { // off: the key it always had
            p.put("bias_correction", true);
        }
        if (request.holdout() > 0) { // without one, the key it always had
            p.put("holdout", request.holdout());
        }
        p.put("batch", request.batch());
        if (in.start != null) { // a cold search keeps the key it always had
            p.put("start_setting", in.start);
        }
        p.put("preparation", Preparation.ID);
        return p;
    }

    private static Map<String, String> digests(Request request, Inputs in) {
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put("model", ModelDigest.of(in.original));
        digests.put("data", request.data().digest());
        digests.put("bounds", in.bounds.digest());
        if (in.sensitivity != null) {
            digests.put("sensitivity", Digests.ofFile(request.sensitivity().resolve(SensitivityMatrix.FILE)));
        }
        digests.put("energy_table", Digests.ofCanonicalJson(in.table));
        return digests;
    }

    /** The request's files, loaded and checked before anything runs. */
    private record Inputs(OnnxModel original, ModelLayers layers, Bounds bounds, SensitivityMatrix sensitivity,
                          AccuracyRequirement requirement, EnergyTable table, Setting start) {
        static Inputs load(Request request) {
            Bounds bounds = Bounds.read(request.bounds());
            SensitivityMatrix sensitivity = request.sensitivity() == null ? null : SensitivityMatrix.read(request.sensitivity());
            if (sensitivity != null && !sensitivity.grouping().equals(bounds.high().grouping())) {
                throw new UserInputException("the sensitivity matrix and the bounds group the model differently");
            }
            Preparation.Prepared model = ModelInput.load(request.model());
            ModelLayers layers = ModelLayers.of(model.model(), bounds.high().grouping());
            bounds.high().validate(layers);
            bounds.low().validate(layers);
            AccuracyRequirement requirement = AccuracyRequirement.of(bounds.requirement(), request.maxDrop(), request.targetAccuracy());
            if (request.paired()) {
                requirement = requirement.pairedAcceptance();
            }
            EnergyTable table = request.energyTable() == null ? EnergyTable.defaults() : EnergyTable.read(request.energyTable());
            return new Inputs(model.original(), layers, bounds, sensitivity, requirement, table, start(request, layers, bounds));
        }

        /** The released setting, when given and it fits this model's groups; a warm start is a shortcut, not a must. */
        private static Setting start(Request request, ModelLayers layers, Bounds bounds) {
            if (request.start() == null) {
                return null;
            }
            Setting released = Setting.read(ApplyStep.settingFile(request.start()));
            if (!released.grouping().equals(bounds.high().grouping())) {
                System.err.println("qsvit: warning: the released setting groups the model differently; exploring cold");
                return null;
            }
            try {
                released.validate(layers);
            } catch (UserInputException e) {
                System.err.println("qsvit: warning: the released setting does not fit this model (" + e.getMessage()
                        + "); exploring cold");
                return null;
            }
            return released;
        }
    }
}
