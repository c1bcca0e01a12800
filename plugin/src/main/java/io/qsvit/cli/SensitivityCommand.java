package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.model.Granularity;
import io.qsvit.model.Grouping;
import io.qsvit.quant.PrecisionPreset;
import io.qsvit.quant.Scheme;
import io.qsvit.search.CellSource;
import io.qsvit.search.Findings;
import io.qsvit.search.Requirement;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Shard;
import io.qsvit.search.SweepMode;
import io.qsvit.search.TrialEvaluator;
import io.qsvit.step.SensitivityStep;
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
import java.util.concurrent.Callable;

/** QSViT Algorithm 1 on the command line. */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
        description = "Sweep every group alone over the precisions (others float32) and write the sensitivity "
                + "matrix (sensitivity.json, sensitivity.csv, heatmap.svg, metadata.json) into --out. A killed run "
                + "resumes from its journal; --shard runs a part, sensitivity-merge joins the parts.")
final class SensitivityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX file or folder with model.onnx.")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--out", required = true, description = "Output folder (created; must be new, empty or this same artifact).")
    Path out;

    @Option(names = "--precisions", split = ",", defaultValue = "uniform16,uniform12,uniform8,uniform4",
            description = "Precisions to sweep, in column order, or the preset qsvit: QSViT's 16/12/8/4 bits read as "
                    + "fixed point with truncation (fixed16:q3.12:truncate ... fixed4:q3.0:truncate; docs/qsvit-reproduction.md) "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> precisions;

    @Option(names = "--schemes", split = ",", description = "Extra schemes appended as columns, e.g. pow2-4,uniform4-asym.")
    List<String> schemes;

    @Option(names = "--granularity", defaultValue = "block",
            description = "Groups: stage, block (QSViT's), module or layer (default: ${DEFAULT-VALUE}).")
    String granularity;

    @Option(names = "--shard", description = "Sweep only shard i of n (0-based): groups i, i+n, i+2n, ... and the baseline.")
    String shard;

    @Option(names = "--sweep", defaultValue = "full",
            description = "full: every cell on all images (QSViT's sweep, serves any requirement); raced: cells ordered "
                    + "by weight error, raced on class-balanced prefixes against the requirement's thresholds, cells "
                    + "shown safe inferred; needs --max-drop or --target-accuracy, which a full sweep ignores (default: ${DEFAULT-VALUE}).")
    String sweep;

    @Option(names = "--computed", split = ",", paramLabel = "KIND",
            description = "Also sweep the tensors the model computes, per group: membrane (the membrane potentials of its "
                    + "spiking neurons), attention-product (products of two computed tensors in attention); rows "
                    + "<group>:<kind> at each precision as fixed point (a uniform width takes its binary point from the "
                    + "range calibration measures; docs/computed.md). Full sweep only.")
    List<String> computed;

    @Mixin
    RequirementOptions requirement;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--prefix-cache-mb", defaultValue = "" + (TrialEvaluator.DEFAULT_PREFIX_BUDGET >> 20),
            description = "MiB of activations kept so that each group's cells run the float layers before it once "
                    + "(0: every cell runs the whole model; results are the same; default: ${DEFAULT-VALUE}).")
    long prefixCacheMb;

    /** 1 TiB: far above any memory, low enough that the byte count cannot overflow. */
    private static final long MAX_PREFIX_CACHE_MB = 1L << 20;

    @Override
    public Integer call() {
        List<Scheme> columns = new ArrayList<>(PrecisionPreset.expand(precisions));
        if (schemes != null) {
            schemes.forEach(s -> columns.add(Scheme.parse(s.strip())));
        }
        SweepMode mode = SweepMode.parse(sweep);
        // a full sweep serves any requirement, so it takes none given (a pipeline passes bounds' to both)
        Requirement racedFor = mode == SweepMode.RACED && requirement.given() ? requirement.requirement() : null;
        SensitivityStep.Request request = new SensitivityStep.Request(model, data.request(), columns,
                Grouping.by(Granularity.parse(granularity)), shard == null ? null : Shard.parse(shard), runtime.batch(),
                runtime.threads(), null, mode, racedFor, prefixBudget(),
                computed == null ? java.util.Set.of() : computed.stream().map(k -> io.qsvit.model.ComputedKind.parse(k.strip()))
                        .collect(java.util.stream.Collectors.toSet()));
        SensitivityStep.Result result;
        try (SweepProgress progress = SweepProgress.of("sensitivity", spec.commandLine().getErr())) {
            result = SensitivityStep.run(request, out, progress);
        }
        report(spec.commandLine().getOut(), "sensitivity", result, out);
        return 0;
    }

    private long prefixBudget() {
        if (prefixCacheMb < 0 || prefixCacheMb > MAX_PREFIX_CACHE_MB) {
            throw new UserInputException("--prefix-cache-mb must be 0 to " + MAX_PREFIX_CACHE_MB + ", not " + prefixCacheMb);
        }
        return prefixCacheMb << 20;
    }

    /** The matrix's headline numbers, shared with sensitivity-merge. */
    static void report(PrintWriter console, String step, SensitivityStep.Result result, Path out) {
        SensitivityMatrix matrix = result.matrix();
        console.printf(Locale.ROOT, "%s: %s (%d groups x %d precisions, float32 baseline %.4f)%n", step,
                Published.lead(result.outcome(), out),
                matrix.cells().size(), matrix.precisions().size(), matrix.baseline().accuracy());
        if (matrix.sweep() != null && matrix.sweep().decidedAtThresholds()) {
            int[] counts = new int[4];
            List<String> kinds = List.of(CellSource.MEASURED, CellSource.RACED, CellSource.INFERRED, CellSource.CARRIED);
            long images = matrix.baseline().images();
            for (SensitivityMatrix.GroupEntry g : matrix.groups()) {
                for (Scheme s : matrix.precisions()) {
                    CellSource source = matrix.source(g.name(), s);
                    counts[kinds.indexOf(source.how())]++;
                    images += source.images();
                }
            }
            console.printf(Locale.ROOT, "  %s sweep at thresholds %.4f/%.4f: %d cells measured, %d raced, %d inferred, "
                    + "%d carried over; %d image evaluations%n", matrix.sweep().mode(), matrix.sweep().highThreshold(),
                    matrix.sweep().lowThreshold(), counts[0], counts[1], counts[2], counts[3], images);
        }
        Findings f = matrix.findings();
        int width = Math.max(11, f.kinds().keySet().stream().mapToInt(String::length).max().orElse(0));
        f.kinds().forEach((kind, finding) -> console.printf(Locale.ROOT,
                "  %-" + width + "s lowest precision within %.0f point: %s (worst drop %.4f)%n", kind, 100 * f.maxDrop(),
                finding.lowestPrecision().id(), finding.worstDrop()));
        if (!f.tolerate4Bits().isEmpty() || !f.needMoreThan4Bits().isEmpty()) {
            console.printf("  tolerate 4 bits: %s; need more: %s%n", listed(f.tolerate4Bits()), listed(f.needMoreThan4Bits()));
        }
        console.flush();
    }

    private static String listed(List<String> kinds) {
        return kinds.isEmpty() ? "none" : String.join(", ", kinds);
    }
}
