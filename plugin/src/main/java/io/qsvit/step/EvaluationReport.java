package io.qsvit.step;

import io.qsvit.eval.ClassMetrics;
import io.qsvit.eval.EnergyEstimate;
import io.qsvit.eval.ModelEvaluation;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.model.prepare.PreparationRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The evaluate step's report for people, in Markdown (Kubeflow shows it as a {@code system.Markdown}
 * artifact). Models are named by content digest, not path, and no timing appears, so the same inputs give
 * the same report byte for byte.
 */
final class EvaluationReport {
    private EvaluationReport() {
    }

    static String markdown(EvaluationResults results) {
        StringBuilder md = new StringBuilder("# qsvit evaluation\n\n");
        EvaluationResults.Measured model = results.model();
        EvaluationResults.Measured baseline = results.baseline();
        md.append("Model `").append(model.digest(), 0, 12).append("`");
        if (baseline != null) {
            md.append(", baseline `").append(baseline.digest(), 0, 12).append("`");
        }
        md.append(", ").append(model.evaluation().top1().total()).append(" images.\n\n");
        preparation(md, "model", model);
        if (baseline != null) {
            preparation(md, "baseline", baseline);
        }
        md.append('\n');
        summary(md, model.evaluation(), baseline == null ? null : baseline.evaluation(), model, baseline);
        groups(md, model.evaluation(), baseline == null ? null : baseline.evaluation());
        perClass(md, model.evaluation().metrics());
        confusion(md, model.evaluation().metrics().confusion());
        md.append("\nEnergy: weight layers only, ").append(results.table().source())
                .append("; spike-driven layers cost firing rate x MACs accumulates, others MACs multiply-accumulates.\n");
        return md.toString();
    }

    /** How a model was prepared before it was measured: the graph measured is the prepared one. */
    private static void preparation(StringBuilder md, String which, EvaluationResults.Measured measured) {
        PreparationRecord record = Preparation.recordedIn(measured.file()).orElseThrow();
        md.append("Prepared ").append(which).append(": ");
        if (record.unchanged()) {
            md.append("nothing to fold");
        } else {
            List<String> done = new ArrayList<>();
            if (!record.folded().isEmpty()) {
                done.add(record.folded().size() + " BatchNormalization folded into the layer before each");
            }
            if (record.float16() > 0) {
                done.add(record.float16() + " float16 weights read as float32 behind a Cast");
            }
            if (record.laidOut() > 0) {
                done.add(record.laidOut() + " weights stored as their layer reads them");
            }
            md.append(String.join(", ", done));
        }
        if (!record.kept().isEmpty()) {
            md.append(", ").append(record.kept().size()).append(" BatchNormalization kept (")
                    .append(record.kept().get(0).reason()).append(record.kept().size() > 1 ? ", ..." : "").append(")");
        }
        PreparationRecord.Check check = record.check();
        if (check != null && check.skipped() == null) {
            md.append(String.format(Locale.ROOT, "; its outputs are within %.0e of the original's on %d of %d probe inputs "
                    + "(largest difference %.2g of their scale)", check.tolerance(), check.within(), check.probes(),
                    check.maxRelative()));
        } else if (check != null) {
            md.append("; not checked against the original: ").append(check.skipped());
        }
        md.append(".\n");
    }

    private static void summary(StringBuilder md, ModelEvaluation m, ModelEvaluation b,
                                EvaluationResults.Measured model, EvaluationResults.Measured baseline) {
        md.append(b == null ? "| metric | model |\n|---|---:|\n" : "| metric | model | baseline | change |\n|---|---:|---:|---:|\n");
        row(md, "top-1 accuracy", m, b, e -> e.top1().value(), "%.4f", true);
        row(md, "95% interval", m, b, e -> interval(e.top1().interval95()), null, false);
        row(md, "correct", m, b, e -> e.top1().correct() + " / " + e.top1().total(), null, false);
        row(md, "top-5 accuracy", m, b, e -> e.top5().value(), "%.4f", true);
        row(md, "macro F1 (Tribuo)", m, b, e -> e.metrics().macroF1(), "%.4f", true);
        row(md, "effective weight bits", m, b, e -> e.memory().effectiveBits(), "%.2f", true);
        row(md, "weight storage bytes", m, b, e -> (double) e.memory().storageBytes(), "%.0f", true);
        if (b == null) {
            md.append(String.format(Locale.ROOT, "| model file bytes | %d |%n", model.fileBytes()));
        } else {
            md.append(String.format(Locale.ROOT, "| model file bytes | %d | %d | %s |%n", model.fileBytes(),
                    baseline.fileBytes(), percent((double) model.fileBytes() / baseline.fileBytes() - 1)));
        }
        row(md, "energy per image (uJ)", m, b, e -> e.energy().totalMicrojoules(), "%.4f", true);
        if (b != null) {
            md.append(String.format(Locale.ROOT, "| agreement with baseline | %.4f | | |%n", m.agreementWith(b)));
        }
        md.append('\n');
    }

    private static void row(StringBuilder md, String name, ModelEvaluation m, ModelEvaluation b,
                            Function<ModelEvaluation, Object> value, String format, boolean numeric) {
        md.append("| ").append(name).append(" | ").append(text(value.apply(m), format));
        if (b != null) {
            md.append(" | ").append(text(value.apply(b), format)).append(" | ");
            if (numeric) {
                double change = (Double) value.apply(m) - (Double) value.apply(b);
                md.append(format.equals("%.0f") ? String.format(Locale.ROOT, "%+.0f", change)
                        : String.format(Locale.ROOT, "%+.4f", change));
            }
        }
        md.append(" |\n");
    }

    private static void groups(StringBuilder md, ModelEvaluation m, ModelEvaluation b) {
        md.append(b == null ? "## Groups\n\n| group | scheme | MACs | SOPs | energy (uJ) |\n|---|---|---:|---:|---:|\n"
                : "## Groups\n\n| group | scheme | baseline scheme | MACs | SOPs | energy (uJ) | baseline (uJ) |\n"
                + "|---|---|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, EnergyEstimate.GroupEnergy> entry : m.energy().groups().entrySet()) {
            String name = entry.getKey();
            EnergyEstimate.GroupEnergy g = entry.getValue();
            md.append("| ").append(name).append(" | ").append(m.setting().schemeOf(name).id());
            if (b != null) {
                md.append(" | ").append(b.setting().schemeOf(name).id());
            }
            md.append(String.format(Locale.ROOT, " | %d | %.0f | %.4f", g.macs(), g.sops(), g.pj() / 1e6));
            if (b != null) {
                EnergyEstimate.GroupEnergy bg = b.energy().groups().get(name);
                md.append(bg == null ? " | " : String.format(Locale.ROOT, " | %.4f", bg.pj() / 1e6));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    private static void perClass(StringBuilder md, ClassMetrics metrics) {
        md.append("## Per class (model)\n\n| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n");
        for (ClassMetrics.PerClass c : metrics.perClass()) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", c.label(), c.precision(),
                    c.recall(), c.f1(), c.support()));
        }
        md.append('\n');
    }

    private static void confusion(StringBuilder md, ClassMetrics.ConfusionTable table) {
        md.append("## Confusion matrix (model; rows true, columns predicted)\n\n| |");
        List<String> separators = new ArrayList<>(List.of("---"));
        for (String label : table.labels()) {
            md.append(' ').append(label).append(" |");
            separators.add("---:");
        }
        md.append("\n|").append(String.join("|", separators)).append("|\n");
        for (int t = 0; t < table.labels().size(); t++) {
            md.append("| ").append(table.labels().get(t)).append(" |");
            for (long count : table.counts()[t]) {
                md.append(' ').append(count).append(" |");
            }
            md.append('\n');
        }
    }

    private static String text(Object value, String format) {
        return format == null ? value.toString() : String.format(Locale.ROOT, format, value);
    }

    private static String interval(double[] bounds) {
        return String.format(Locale.ROOT, "%.4f-%.4f", bounds[0], bounds[1]);
    }

    private static String percent(double change) {
        return String.format(Locale.ROOT, "%+.2f%%", 100 * change);
    }
}
