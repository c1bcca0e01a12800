package io.qsvit.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Cache;
import io.qsvit.model.ModelLayers;
import io.qsvit.pipeline.LocalPipeline;
import io.qsvit.pipeline.PipelineConfig;
import io.qsvit.pipeline.PipelineSteps;
import io.qsvit.search.BoundsReport;
import io.qsvit.search.SweepListener;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.BoundsStep;
import io.qsvit.step.EvaluateStep;
import io.qsvit.step.ExploreStep;
import io.qsvit.step.ModelInput;
import io.qsvit.step.PublishedMetadata;
import io.qsvit.step.SensitivityMerge;
import io.qsvit.step.SensitivityStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The pipeline steps for programs, as the {@code qsvit} command runs them: each takes a request, publishes its
 * output folder atomically through the cache (same inputs, same bytes; a step whose cache entry exists computes
 * nothing) and returns what it found, read from what it published, so a cached result reads like a computed one.
 * <pre>{@code
 * Data data = Data.of(Path.of("examples/data/fashion-mnist-2000"));
 * ApplyResult applied = Steps.apply(ApplyRequest.builder().setModel(model)
 *         .setSetting(Setting.uniform(Scheme.uniform(8))).setOut(Path.of("applied")).build());
 * EvaluateResult evaluated = Steps.evaluate(EvaluateRequest.builder().setModel(applied.folder())
 *         .optBaseline(model).setData(data).build());
 * }</pre>
 * The cache is the command line's ({@code $XDG_CACHE_HOME/qsvit}, else {@code ~/.cache/qsvit}, or none when the
 * system property {@code qsvit.cache} is {@code off}) unless {@link #useCache} or {@link #useNoCache} chose
 * another for the whole JVM. Every method throws {@link QsvitException} for a problem with the inputs, before
 * anything is written.
 */
public final class Steps {
    private Steps() {
    }

    /**
     * Makes every step in this JVM publish through a cache in {@code folder}.
     *
     * @param folder the cache folder, created if missing
     * @throws QsvitException when the folder cannot be made or used
     */
    public static void useCache(Path folder) {
        Calls.run(() -> Cache.share(Cache.at(folder, System.err::println)));
    }

    /** Makes every step in this JVM run without a cache: nothing is looked up or stored. */
    public static void useNoCache() {
        Cache.share(Cache.disabled());
    }

    /**
     * The groups a grouping forms in a model: the names a setting gives schemes to. For a real artifact (an apply
     * output), the groups of the float model its codes decode to.
     *
     * @param model    an ONNX file, a folder holding {@code model.onnx}, or an apply output folder
     * @param grouping the grouping
     * @return the groups, in model order
     * @throws QsvitException when the model cannot be read or has no quantizable layer
     */
    public static List<ModelGroup> inspect(Path model, Grouping grouping) {
        return Calls.call(() -> {
            ModelLayers layers = ApplyStep.layersToQuantize(ModelInput.load(model).model(), grouping.internal());
            return layers.groups().stream().map(g -> new ModelGroup(g.name(), GroupKind.of(g.kind()), g.params(),
                    g.layers().stream().map(io.qsvit.model.Layer::path).toList())).toList();
        });
    }

    /**
     * QSViT Algorithm 1: the sensitivity matrix. Finished cells go to a journal beside the output folder, so a
     * killed run resumes.
     *
     * @param request the request
     * @return the published matrix
     */
    public static SensitivityResult sensitivity(SensitivityRequest request) {
        return Calls.call(() -> {
            SensitivityStep.Result r = SensitivityStep.run(request.internal(), request.out, SweepListener.NONE);
            return new SensitivityResult(Outcome.of(r.outcome()), request.out, r.matrix());
        });
    }

    /**
     * Joins the outputs of every shard of one split sweep into the output one whole sweep gives (same files, same
     * cache key).
     *
     * @param shards the shards' output folders, each once
     * @param out    the output folder
     * @return the merged matrix
     */
    public static SensitivityResult mergeSensitivity(List<Path> shards, Path out) {
        return Calls.call(() -> {
            SensitivityStep.Result r = SensitivityMerge.run(shards, out);
            return new SensitivityResult(Outcome.of(r.outcome()), out, r.matrix());
        });
    }

    /**
     * QSViT Algorithm 2: precision bounds, bSettingH and bSettingL.
     *
     * @param request the request
     * @return the published bounds
     */
    public static BoundsResult bounds(BoundsRequest request) {
        return Calls.call(() -> {
            BoundsStep.Result r = BoundsStep.run(request.internal(), request.out);
            return new BoundsResult(Outcome.of(r.outcome()), request.out, BoundsReport.read(request.out));
        });
    }

    /**
     * QSViT Algorithm 3 or SpikeHQ's heterogeneous search: a setting that meets the requirement. Evaluations go
     * to a journal beside the output folder, so a killed run resumes.
     *
     * @param request the request
     * @return the published exploration
     */
    public static ExploreResult explore(ExploreRequest request) {
        return Calls.call(() -> {
            ExploreStep.Result r = ExploreStep.run(request.internal(), request.out);
            JsonNode metadata = PublishedMetadata.read(request.out, ExploreStep.NAME, ExploreStep.ALGORITHM_VERSION);
            Setting chosen = Setting.of(io.qsvit.quant.Setting.read(request.out.resolve(ExploreStep.SETTING_FILE)));
            return new ExploreResult(Outcome.of(r.outcome()), request.out, chosen, metadata.path("results"));
        });
    }

    /**
     * QSViT Algorithm 4: the simulated and real models of a setting.
     *
     * @param request the request
     * @return the published models
     */
    public static ApplyResult apply(ApplyRequest request) {
        return Calls.call(() -> {
            ArtifactFolder.Outcome outcome;
            io.qsvit.eval.EvaluationData calibration = request.calibration == null ? null : request.calibration.internal();
            // the served folders prepare requests as the calibration data are read (the command line's one set of options)
            io.qsvit.eval.image.Preprocessing servedImages = calibration != null ? calibration.preprocessing()
                    : io.qsvit.eval.image.Preprocessing.NONE;
            io.qsvit.eval.data.EventOptions servedEvents = calibration != null ? calibration.events()
                    : io.qsvit.eval.data.EventOptions.DEFAULT;
            if (request.settingFile != null) {
                outcome = ApplyStep.run(request.model, request.settingFile, request.out, request.djlServing,
                        servedImages, servedEvents, io.qsvit.quant.Runtime.DEFAULT, calibration);
            } else {
                outcome = withSettingFile(request.setting, file -> ApplyStep.run(request.model, file, request.out,
                        request.djlServing, servedImages, servedEvents, io.qsvit.quant.Runtime.DEFAULT,
                        calibration));
            }
            JsonNode metadata = PublishedMetadata.read(request.out, ApplyStep.NAME, ApplyStep.ALGORITHM_VERSION);
            Setting applied = Setting.of(io.qsvit.quant.Setting.read(request.out.resolve(ApplyStep.SETTING_FILE)));
            return new ApplyResult(Outcome.of(outcome), request.out, applied, metadata.path("results"));
        });
    }

    /**
     * Measures a model, and its baseline, on the same images; publishes the evaluation when the request has an
     * output folder.
     *
     * @param request the request
     * @return the evaluation
     */
    public static EvaluateResult evaluate(EvaluateRequest request) {
        return Calls.call(() -> {
            if (request.out == null) {
                EvaluateStep.Result r = EvaluateStep.measure(request.internal());
                return measured(Optional.empty(), Optional.empty(), r);
            }
            EvaluateStep.Result r = EvaluateStep.run(request.internal(), request.out);
            if (r.model() != null) {
                return measured(Optional.of(Outcome.of(r.outcome())), Optional.of(request.out), r);
            }
            return published(Outcome.of(r.outcome()), request.out);
        });
    }

    /**
     * The whole pipeline, each step through the cache.
     *
     * @param request the request
     * @return every step's run and the final evaluation
     */
    public static RunResult run(RunRequest request) {
        return Calls.call(() -> {
            PipelineConfig config = request.config == null ? PipelineConfig.DEFAULTS : PipelineConfig.read(request.config);
            List<LocalPipeline.StepRun> runs = LocalPipeline.run(PipelineSteps.plan(config), request.model, request.data,
                    config, request.out, run -> { });
            List<RunResult.StepRun> steps = runs.stream().map(r -> new RunResult.StepRun(r.step(), Outcome.of(r.outcome()),
                    r.folder(), r.seconds())).toList();
            Path evaluation = request.out.resolve(EvaluateStep.NAME);
            return new RunResult(steps, published(steps.get(steps.size() - 1).outcome(), evaluation));
        });
    }

    private static EvaluateResult measured(Optional<Outcome> outcome, Optional<Path> folder, EvaluateStep.Result r) {
        Optional<Evaluation> baseline = Optional.ofNullable(r.baseline()).map(Evaluation::of);
        OptionalDouble agreement = r.baseline() == null ? OptionalDouble.empty()
                : OptionalDouble.of(r.model().agreementWith(r.baseline()));
        return new EvaluateResult(outcome, folder, Evaluation.of(r.model()), baseline, agreement);
    }

    private static EvaluateResult published(Outcome outcome, Path folder) {
        JsonNode results = PublishedMetadata.read(folder, EvaluateStep.NAME, EvaluateStep.ALGORITHM_VERSION).path("results");
        String where = folder.resolve("metadata.json").toString();
        Optional<Evaluation> baseline = results.has("baseline")
                ? Optional.of(Evaluation.of(results.path("baseline"), where + " baseline")) : Optional.empty();
        OptionalDouble agreement = results.has("comparison")
                ? OptionalDouble.of(results.at("/comparison/agreement").asDouble()) : OptionalDouble.empty();
        return new EvaluateResult(Optional.of(outcome), Optional.of(folder), Evaluation.of(results.path("model"), where),
                baseline, agreement);
    }

    /** Runs {@code step} with the setting in a temporary file (apply reads settings from files). */
    private static <T> T withSettingFile(Setting setting, Function<Path, T> step) {
        Path file;
        try {
            file = Files.createTempFile("qsvit-setting-", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary setting file", e);
        }
        try {
            setting.write(file);
            return step.apply(file);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover file in the temporary folder is harmless
            }
        }
    }
}
