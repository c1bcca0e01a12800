package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.search.Budget;
import io.qsvit.search.Exploration;
import io.qsvit.search.Objective;
import io.qsvit.search.SearchSpace;
import io.qsvit.search.Trial;
import io.qsvit.search.TrialEvaluator;
import io.qsvit.step.ExploreStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** The explore step on the command line. */
@Command(name = "explore", mixinStandardHelpOptions = true,
        description = "Search mixed-precision settings that meet an accuracy requirement (QSViT's guided exploration "
                + "from the bounds, or SpikeHQ's heterogeneous uniform/pow2 search) and write every trial, the Pareto "
                + "fronts and the chosen setting into --out.")
final class ExploreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX file or folder with model.onnx (the float model).")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--bounds", required = true, description = "Output folder of the bounds step (bounds.json, "
            + "setting-high.json, setting-low.json).")
    Path bounds;

    @Option(names = "--sensitivity", description = "Output folder of the sensitivity step: orders guided's groups and "
            + "gives its ladder; its cells stand in for heterogeneous's probes.")
    Path sensitivity;

    @Option(names = "--out", required = true, description = "Output folder (created; must be new, empty or this same artifact).")
    Path out;

    @Option(names = "--strategy", defaultValue = "guided", description = "guided (QSViT's exploration from the "
            + "bounds) or heterogeneous (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--max-drop", description = "Accuracy may fall at most this much below the float model's on the "
            + "exploration data (overrides the bounds' requirement).")
    Double maxDrop;

    @Option(names = "--target-accuracy", description = "Accuracy must reach this on the exploration data (overrides "
            + "the bounds' requirement).")
    Double targetAccuracy;

    @Option(names = "--budget-bits", description = "heterogeneous: the most accurate setting within this many "
            + "effective bits per weight.")
    Double budgetBits;

    @Option(names = "--budget-bytes", description = "heterogeneous: the most accurate setting whose weights take at "
            + "most this many bytes.")
    Long budgetBytes;

    @Option(names = "--objective", description = "The cost to minimise under the requirement: "
            + "stored_bytes, energy, effective_bits, or a weighted mix such as stored_bytes=0.5,energy=0.5 "
            + "(default: accounted memory, params x bits plus scales; guided: QSViT's order, else only moves that "
            + "lower this cost, groups of equal sensitivity by their saving).")
    String objective;

    @Option(names = "--acceptance", defaultValue = "observed", description = "observed (the accuracy on the "
            + "exploration images meets the requirement) or paired (the one-sided 95%% upper bound of the drop "
            + "against the float model on the same images, McNemar-style, is within --max-drop) (default: "
            + "${DEFAULT-VALUE}).")
    String acceptance;

    @Option(names = "--holdout", defaultValue = "0", description = "Images kept from the search (the last in racing "
            + "order) for a final check of the chosen setting, reported in the results (default: ${DEFAULT-VALUE}).")
    int holdout;

    @Option(names = "--bias-correction", description = "Evaluate every candidate with bias correction, calibrated on the "
            + "searched images, as apply --bias-correction builds it (apply the chosen setting with --bias-correction "
            + "and the same data); docs/accuracy.md.")
    boolean biasCorrection;

    @Option(names = "--racing", defaultValue = "500,2000", description = "Image counts of the racing stages (a "
            + "candidate whose 95%% upper bound falls below the requirement is rejected there), or 'off' "
            + "(default: ${DEFAULT-VALUE}).")
    String racing;

    @Option(names = "--space", description = "heterogeneous: comma-separated schemes to choose from (default: "
            + "uniform2..8, uniform16, pow2-2..pow2-8, all per-channel).")
    String space;

    @Option(names = "--probe-images", defaultValue = "500", description = "heterogeneous: images of each per-group "
            + "probe (default: ${DEFAULT-VALUE}).")
    int probeImages;

    @Option(names = "--racing-seed", defaultValue = "1", description = "Seed of the class-balanced order in which "
            + "images are raced (default: ${DEFAULT-VALUE}).")
    long racingSeed;

    @Option(names = "--energy-table", description = "Energy per operation (JSON/YAML) instead of the bundled 45 nm figures.")
    Path energyTable;

    @Option(names = "--prefix-cache-mb", defaultValue = "" + (TrialEvaluator.DEFAULT_PREFIX_BUDGET >> 20),
            description = "MiB of float-prefix activations kept so that trials changing only later groups (the "
                    + "per-group probes) run just the layers after them (0: every trial runs the whole model; results "
                    + "are the same; default: ${DEFAULT-VALUE}).")
    long prefixCacheMb;

    /** 1 TiB: far above any memory, low enough that the byte count cannot overflow. */
    private static final long MAX_PREFIX_CACHE_MB = 1L << 20;

    @Mixin
    RuntimeOptions runtime;

    private long prefixBudget() {
        if (prefixCacheMb < 0 || prefixCacheMb > MAX_PREFIX_CACHE_MB) {
            throw new UserInputException("--prefix-cache-mb must be 0 to " + MAX_PREFIX_CACHE_MB + ", not " + prefixCacheMb);
        }
        return prefixCacheMb << 20;
    }

    private boolean paired() {
        return switch (acceptance) {
            case "observed" -> false;
            case "paired" -> true;
            default -> throw new UserInputException("unknown acceptance '" + acceptance + "'; one of observed, paired");
        };
    }

    @Override
    public Integer call() {
        ExploreStep.Request request = new ExploreStep.Request(model, data.request(), bounds, sensitivity, strategy(),
                maxDrop, targetAccuracy, budget(), stages(), space == null ? SearchSpace.SPIKEHQ : SearchSpace.parse(space),
                probeImages, racingSeed, energyTable, runtime.batch(),
                runtime.threads(), null, objective == null ? null : Objective.parse(objective), paired(), holdout,
                prefixBudget(), biasCorrection);
        ExploreStep.Result result = ExploreStep.run(request, out);
        PrintWriter console = spec.commandLine().getOut();
        if (result.outcome() != ArtifactFolder.Outcome.WRITTEN) {
            console.println(Published.describe("explore", result.outcome(), out));
            return 0;
        }
        Exploration.Result search = result.search();
        Trial chosen = search.chosen().trial();
        Trial baseline = search.floatTrial().trial();
        Map<?, ?> picked = (Map<?, ?>) result.results().get("chosen");
        console.printf(Locale.ROOT, "float     %.4f on %d images; required %.4f%n", baseline.accuracy(),
                baseline.images(), search.required());
        console.printf(Locale.ROOT, "chosen    %.4f (95%% interval %.4f-%.4f), %.3f effective bits, memory %.1f%% "
                        + "saved (%d bytes stored), %.4f uJ per image%n", chosen.accuracy(), chosen.interval95()[0],
                chosen.interval95()[1], chosen.effectiveBits(), 100 * (Double) picked.get("memory_saving_vs_float32"),
                chosen.storageBytes(), chosen.energyMicrojoules());
        console.printf(Locale.ROOT, "search    %d trials, %d images evaluated%n", search.trials().size(),
                search.imagesEvaluated());
        if (result.results().get("paired_drop") instanceof Map<?, ?> paired) {
            console.printf(Locale.ROOT, "paired    drop %.4f (%s lost, %s gained), upper 95%% bound %.4f%n",
                    paired.get("drop"), paired.get("lost"), paired.get("gained"), paired.get("drop_upper_bound"));
        }
        if (result.results().get("holdout") instanceof Map<?, ?> held) {
            Map<?, ?> paired = (Map<?, ?>) held.get("paired_drop");
            console.printf(Locale.ROOT, "held out  %s images: float %.4f, chosen %.4f, drop upper 95%% bound %.4f; "
                    + "requirement %s there%n", held.get("images"), held.get("float_accuracy"), held.get("chosen_accuracy"),
                    paired.get("drop_upper_bound"), Boolean.TRUE.equals(held.get("requirement_met")) ? "met" : "NOT met");
        }
        console.println(Published.describe("explore", result.outcome(), out));
        console.flush();
        return 0;
    }

    private ExploreStep.Strategy strategy() {
        return switch (strategy) {
            case "guided" -> ExploreStep.Strategy.GUIDED;
            case "heterogeneous" -> ExploreStep.Strategy.HETEROGENEOUS;
            default -> throw new UserInputException("unknown strategy '" + strategy + "'; one of guided, heterogeneous");
        };
    }

    private Budget budget() {
        if (budgetBits != null && budgetBytes != null) {
            throw new UserInputException("--budget-bits and --budget-bytes exclude each other");
        }
        return budgetBits == null && budgetBytes == null ? null : new Budget(budgetBits, budgetBytes);
    }

    private List<Integer> stages() {
        if (racing.equals("off")) {
            return List.of();
        }
        List<Integer> stages = new ArrayList<>();
        for (String part : racing.split(",")) {
            try {
                stages.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new UserInputException("--racing takes image counts separated by commas, or off; got '" + racing + "'");
            }
        }
        return stages;
    }
}
