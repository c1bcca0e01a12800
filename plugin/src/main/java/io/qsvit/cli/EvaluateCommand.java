package io.qsvit.cli;

import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.ModelEvaluation;
import io.qsvit.step.EvaluateStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** The evaluate step on the command line; without --out it only prints. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate an ONNX image classifier (a float model or an apply artifact) on labelled images: "
                + "top-1 with its 95%% interval, top-5, Tribuo metrics, memory and energy, side by side with "
                + "--baseline. With --out, writes metadata.json and report.md there.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX file, folder with model.onnx, or apply output folder.")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--baseline", description = "Model to compare with (usually the float model), evaluated on the same images.")
    Path baseline;

    @Option(names = "--out", description = "Output folder for metadata.json and report.md (created; must be new, "
            + "empty or this same artifact).")
    Path out;

    @Option(names = "--energy-table", description = "Energy per operation (JSON/YAML, schema qsvit.energy-table/v1) "
            + "instead of the bundled 45 nm figures.")
    Path energyTable;

    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int cores = runtime.threads();
        EvaluateStep.Request request = new EvaluateStep.Request(model, baseline, data.request(), energyTable, runtime.batch(), cores);
        if (out == null) {
            EvaluateStep.Result result = EvaluateStep.measure(request);
            print(result.model(), result.baseline());
            return 0;
        }
        EvaluateStep.Result result = EvaluateStep.run(request, out);
        if (result.outcome() != ArtifactFolder.Outcome.WRITTEN) {
            spec.commandLine().getOut().println(Published.describe("evaluate", result.outcome(), out));
            return 0;
        }
        print(result.model(), result.baseline());
        if (!json) {
            spec.commandLine().getOut().println(Published.describe("evaluate", result.outcome(), out));
        }
        return 0;
    }

    private void print(ModelEvaluation m, ModelEvaluation b) throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("model", model.toString());
            report.put("data", data.data.toString());
            report.put("images", m.top1().total());
            report.put("correct", m.top1().correct());
            report.put("accuracy", m.top1().value());
            report.put("accuracy_interval95", m.top1().interval95());
            report.put("top5_accuracy", m.top5().value());
            report.put("macro_f1", m.metrics().macroF1());
            report.put("energy_microjoules_per_image", m.energy().totalMicrojoules());
            if (b != null) {
                report.put("baseline_accuracy", b.top1().value());
                report.put("agreement", m.agreementWith(b));
            }
            report.put("seconds", m.seconds());
            console.println(Qsvit.JSON.writeValueAsString(report));
        } else {
            console.printf("model     %s%n", model);
            console.printf("data      %s (%d images)%n", data.data, m.top1().total());
            line(console, "accuracy", m);
            if (b != null) {
                line(console, "baseline", b);
                console.printf("agreement %.4f of predictions equal the baseline's%n", m.agreementWith(b));
            }
            console.printf("energy    %.4f uJ per image (weight layers)%s%n", m.energy().totalMicrojoules(),
                    b == null ? "" : String.format(", baseline %.4f uJ", b.energy().totalMicrojoules()));
            console.printf("time      %.2f s, %.0f images/s%n", m.seconds(), m.imagesPerSecond());
        }
        console.flush();
    }

    private static void line(PrintWriter console, String name, ModelEvaluation e) {
        Accuracy a = e.top1();
        double[] interval = a.interval95();
        console.printf("%-9s %.4f (%d of %d correct; 95%% interval %.4f-%.4f), top-5 %.4f, macro-F1 %.4f%n", name,
                a.value(), a.correct(), a.total(), interval[0], interval[1], e.top5().value(), e.metrics().macroF1());
    }
}
