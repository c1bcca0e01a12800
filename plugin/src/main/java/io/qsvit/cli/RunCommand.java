package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.StepMetadata;
import io.qsvit.pipeline.LocalPipeline;
import io.qsvit.pipeline.PipelineConfig;
import io.qsvit.pipeline.PipelineStep;
import io.qsvit.pipeline.PipelineSteps;
import io.qsvit.registry.OciReference;
import io.qsvit.step.GateStep;
import io.qsvit.step.EvaluateStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The whole pipeline on this machine. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the pipeline here: sensitivity -> bounds -> explore -> apply -> evaluate, each step's output "
                + "in --out/<step>, each through the cache (a re-run with unchanged inputs computes nothing). A setting "
                + "in the configuration (apply.setting) skips the three search steps.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The float model: ONNX file or folder with model.onnx.")
    Path model;

    @Option(names = "--data", required = true, description = "Labelled images, in any format evaluate reads.")
    Path data;

    @Option(names = "--out", required = true, description = "Output folder; each step writes its own folder in it, "
            + "replacing that step's output of an earlier run.")
    Path out;

    @Option(names = "--config", description = "Pipeline configuration (JSON or YAML, schema qsvit.pipeline/v1).")
    Path config;

    @Option(names = "--release", paramLabel = "REF", description = "The released model this run may replace: "
            + "oci://HOST/REPO:TAG (or @sha256:...), or a local run or apply output folder or ONNX file. Adds the gate "
            + "step (the configuration's gate: limits) and, unless --cold, warm-starts sensitivity and explore from it.")
    String release;

    @Option(names = "--push", paramLabel = "REF", description = "After the run (and the gate, if any, passed), push "
            + "--out as a run artifact to oci://HOST/REPO:TAG.")
    String push;

    @Option(names = "--cold", description = "Do not warm-start from --release: sweep and search from scratch.")
    boolean cold;

    @ParentCommand
    Qsvit root;

    @Override
    public Integer call() throws IOException {
        PipelineConfig settings = config == null ? PipelineConfig.DEFAULTS : PipelineConfig.read(config);
        PrintWriter console = spec.commandLine().getOut();
        OciReference pushTo = push == null ? null : OciReference.parse(push); // a bad reference fails before any work
        Path released = release == null ? null : RegistryInputs.location(release, root.registry, spec.commandLine().getErr());
        List<PipelineStep> plan = PipelineSteps.plan(settings, released, !cold);
        List<LocalPipeline.StepRun> runs = LocalPipeline.run(plan, model, data, settings, out, step -> {
            console.printf(Locale.ROOT, "%-12s started%n", step);
            console.flush();
        }, run -> {
            console.printf(Locale.ROOT, "%-12s %-9s %7.2f s  %s%n", run.step(), word(run.outcome()), run.seconds(),
                    out.resolve(run.step()));
            console.flush();
        });
        long cached = runs.stream().filter(r -> r.outcome() != ArtifactFolder.Outcome.WRITTEN).count();
        console.printf(Locale.ROOT, "run: %d steps in %.2f s, %d of them from the cache%n", runs.size(),
                runs.stream().mapToDouble(LocalPipeline.StepRun::seconds).sum(), cached);
        summary(console, out.resolve(EvaluateStep.NAME));
        console.flush();
        if (released != null) {
            GateStep.Result gate = GateStep.read(out.resolve(GateStep.NAME), null);
            int code = GateCommand.report(console, gate);
            if (code != 0) {
                console.println("run: the release gate failed; nothing was pushed (report: "
                        + out.resolve(GateStep.NAME).resolve(EvaluateStep.REPORT_FILE) + ")");
                console.flush();
                return code;
            }
        }
        if (pushTo != null) {
            console.println(PushCommand.describe(PushCommand.push(out, pushTo, root.registry)));
            console.flush();
        }
        return 0;
    }

    private static String word(ArtifactFolder.Outcome outcome) {
        return switch (outcome) {
            case WRITTEN -> "computed";
            case CACHED -> "cached";
            case UP_TO_DATE -> "unchanged";
        };
    }

    /** The evaluation's headline numbers, read from its metadata so a cached run shows them too. */
    private static void summary(PrintWriter console, Path evaluation) throws IOException {
        JsonNode results = Qsvit.JSON.readTree(evaluation.resolve(StepMetadata.FILE).toFile()).path("results");
        JsonNode model = results.path("model");
        JsonNode baseline = results.path("baseline");
        JsonNode comparison = results.path("comparison");
        console.printf(Locale.ROOT, "accuracy  %.4f on %d images (baseline %.4f, change %+.4f, agreement %.4f)%n",
                model.path("accuracy").asDouble(), model.path("images").asInt(), baseline.path("accuracy").asDouble(),
                comparison.path("accuracy_change").asDouble(), comparison.path("agreement").asDouble());
        console.printf(Locale.ROOT, "memory    %.2f effective bits, weight memory saving %.1f%%, energy saving %.1f%%%n",
                model.at("/memory/effective_bits").asDouble(), 100 * comparison.path("weight_memory_saving").asDouble(),
                100 * comparison.path("energy_saving").asDouble());
        console.printf("report    %s%n", evaluation.resolve(EvaluateStep.REPORT_FILE));
    }
}
