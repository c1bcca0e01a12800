package io.qsvit.cli;

import io.qsvit.search.BoundsReport;
import io.qsvit.search.PrecisionBounds;
import io.qsvit.search.SweepMode;
import io.qsvit.step.BoundsStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** QSViT Algorithm 2 on the command line. */
@Command(name = "bounds", mixinStandardHelpOptions = true,
        description = "From a sensitivity matrix and an accuracy requirement, pick each group's high and low "
                + "precision bound, evaluate bSettingH and bSettingL, and write bounds.json, setting-high.json, "
                + "setting-low.json and metadata.json into --out.")
final class BoundsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sensitivity", required = true, description = "Output folder of qsvit sensitivity (or sensitivity-merge).")
    Path sensitivity;

    @Option(names = "--model", required = true, description = "The model the matrix was measured on.")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--out", required = true, description = "Output folder (created; must be new, empty or this same artifact).")
    Path out;

    @Mixin
    RequirementOptions requirement;

    @Option(names = "--sweep", defaultValue = "full",
            description = "full: bSettingH and bSettingL on all images; raced: on growing class-balanced prefixes, "
                    + "stopping one as soon as it clearly misses the requirement (default: ${DEFAULT-VALUE}).")
    String sweep;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        BoundsStep.Result result = BoundsStep.run(new BoundsStep.Request(sensitivity, model, data.request(), requirement.requirement(),
                runtime.batch(), runtime.threads(), SweepMode.parse(sweep)), out);
        PrintWriter console = spec.commandLine().getOut();
        BoundsReport report = result.report();
        console.printf(Locale.ROOT, "bounds: %s (required accuracy %.4f, float32 %.4f)%n",
                Published.lead(result.outcome(), out),
                report.requirement().requiredAccuracy(), report.requirement().baselineAccuracy());
        int width = Math.max(24, report.groups().keySet().stream().mapToInt(String::length).max().orElse(0));
        int schemes = Math.max(14, report.groups().values().stream().mapToInt(b -> b.high().id().length() + 1).max().orElse(0));
        String row = "  %-" + width + "s %-" + schemes + "s %s%n";
        console.printf(row, "group", "high", "low");
        for (Map.Entry<String, PrecisionBounds.Bounds> g : report.groups().entrySet()) {
            console.printf(row, g.getKey(), g.getValue().high().id(), g.getValue().low().id());
        }
        line(console, "bSettingH", report.high(), report);
        line(console, "bSettingL", report.low(), report);
        console.flush();
        return 0;
    }

    private static void line(PrintWriter console, String name, BoundsReport.Base base, BoundsReport report) {
        double drop = report.requirement().baselineAccuracy() - base.trial().accuracy();
        console.printf(Locale.ROOT, "  %s accuracy %.4f (drop %.2f points) on %d images, %.2f effective bits: %s%n", name,
                base.trial().accuracy(), 100 * drop, base.trial().images(), base.trial().effectiveBits(),
                base.meetsRequirement() ? "meets the requirement" : "MISSES the requirement");
    }
}
