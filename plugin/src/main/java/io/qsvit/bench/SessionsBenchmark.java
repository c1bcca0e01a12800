package io.qsvit.bench;

import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.SuffixEvaluation;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.search.TrialEvaluator;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Trial sessions, in one process and in turns: (1) per group, a sensitivity group's cells (the group alone at
 * each of QSViT's four precisions, the rest float32) on the whole switchable session against the same cells
 * through the prefix/suffix cut, session builds and prefix included, with the cut's outputs checked bit for bit
 * against the whole session's; (2) per image count, a trial on the switchable session against a new
 * fixed-weight session for the setting (quantized weights as constants, so ONNX Runtime pre-packs them), build
 * included, and how many images' scores differ between the two.
 */
public final class SessionsBenchmark {
    static final List<Scheme> CELLS = List.of(Scheme.parse("uniform16"), Scheme.parse("uniform12"),
            Scheme.parse("uniform8"), Scheme.parse("uniform4"));
    static final Setting FLOAT = Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32);
    static final Setting TRIAL = Setting.uniform(Grouping.QSVIT, Scheme.parse("uniform8"));

    private SessionsBenchmark() {
    }

    public static void run(Workload work, PrintWriter out) throws Exception {
        ModelLayers model = ModelLayers.of(OnnxModel.load(work.model()), Grouping.QSVIT);
        Dataset images = work.images();
        out.printf(Locale.ROOT, "trial sessions: %s, %d groups, %d images, batch %d, %d threads; medians of %d turns "
                        + "after a warm-up; load average %.2f at start%n", work.model(), model.groups().size(),
                images.size(), work.batch(), work.threads(), work.repeats(), load());
        try (EvaluationSession whole = EvaluationSession.open(model, work.threads())) {
            prefixReuse(model, whole, work, images, out);
            sessionKinds(model, whole, work, out);
        }
        out.printf(Locale.ROOT, "load average %.2f at end%n", load());
        out.flush();
    }

    private static void prefixReuse(ModelLayers model, EvaluationSession whole, Workload work, Dataset images,
                                    PrintWriter out) throws Exception {
        out.printf("prefix reuse: a group's %d sensitivity cells, whole session vs prefix once + suffixes "
                + "(sessions built and closed inside the timed run)%n", CELLS.size());
        out.printf("  %-24s %10s %10s %8s %s%n", "group", "whole s", "cut s", "cut/whole", "bit-identical");
        double wholeSum = 0;
        double cutSum = 0;
        for (Group group : model.groups()) {
            List<Setting> cells = new ArrayList<>();
            CELLS.forEach(s -> cells.add(new Setting(Grouping.QSVIT, Scheme.FLOAT32, Map.of(group.name(), s))));
            List<EvaluationSession.Outputs> expected = new ArrayList<>();
            Map<String, Samples> times = new Interleaved()
                    .add("whole", () -> {
                        expected.clear();
                        for (Setting cell : cells) {
                            whole.use(cell);
                            expected.add(whole.run(images, work.batch()));
                        }
                        return expected;
                    })
                    .add("cut", () -> cut(whole, group, cells, images, work))
                    .run(work.repeats());
            Optional<List<EvaluationSession.Outputs>> got = cut(whole, group, cells, images, work);
            String identical = got.isEmpty() ? "no cut (whole model)" : String.valueOf(same(expected, got.get()));
            Samples w = times.get("whole");
            Samples c = times.get("cut");
            wholeSum += w.median();
            cutSum += got.isEmpty() ? w.median() : c.median();
            out.printf(Locale.ROOT, "  %-24s %10.3f %10.3f %8.3f %s%n", group.name(), w.median(), c.median(),
                    c.medianRatioTo(w), identical);
        }
        out.printf(Locale.ROOT, "  %-24s %10.3f %10.3f %8.3f (sum of medians; groups without a cut count as whole)%n",
                "all groups", wholeSum, cutSum, cutSum / wholeSum);
    }

    private static Optional<List<EvaluationSession.Outputs>> cut(EvaluationSession whole, Group group, List<Setting> cells,
                                                                 Dataset images, Workload work) {
        Optional<SuffixEvaluation> suffix = SuffixEvaluation.open(whole, List.of(group), work.threads());
        if (suffix.isEmpty()) {
            return Optional.empty();
        }
        try (SuffixEvaluation s = suffix.get()) {
            return Optional.of(s.run(FLOAT, cells, images, work.batch(), TrialEvaluator.DEFAULT_PREFIX_BUDGET));
        }
    }

    private static boolean same(List<EvaluationSession.Outputs> a, List<EvaluationSession.Outputs> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.deepEquals(a.get(i).scores(), b.get(i).scores())
                    || !a.get(i).firingRates().equals(b.get(i).firingRates())) {
                return false;
            }
        }
        return true;
    }

    private static void sessionKinds(ModelLayers model, EvaluationSession whole, Workload work, PrintWriter out)
            throws Exception {
        out.printf("trial at %s: switchable session (weights fed) vs a new fixed-weight session (weights constant, "
                + "built inside the timed run)%n", "uniform8");
        out.printf("  %-8s %12s %12s %10s %8s %s%n", "images", "switch s", "fixed s", "build s", "fixed/sw",
                "images whose scores differ (build: last turn)");
        QuantizedArtifacts quantized = QuantizedArtifacts.build(model, TRIAL, TRIAL.toString());
        ModelLayers fixedModel = ModelLayers.of(new OnnxModel(quantized.simulated(), model.model().file()), Grouping.QSVIT);
        for (int n : List.of(50, 200, 1000, 2000)) {
            if (n > work.images().size()) {
                continue;
            }
            Dataset images = work.images().first(n);
            double[] build = new double[1];
            Map<String, Samples> times = new Interleaved()
                    .add("switchable", () -> {
                        whole.use(TRIAL);
                        return whole.run(images, work.batch());
                    })
                    .add("fixed", () -> {
                        long start = System.nanoTime();
                        try (EvaluationSession fixed = EvaluationSession.openFixed(fixedModel, work.threads())) {
                            build[0] = (System.nanoTime() - start) / 1e9;
                            return fixed.run(images, work.batch());
                        }
                    })
                    .run(work.repeats());
            whole.use(TRIAL);
            float[][] a = whole.run(images, work.batch()).scores();
            float[][] b;
            try (EvaluationSession fixed = EvaluationSession.openFixed(fixedModel, work.threads())) {
                b = fixed.run(images, work.batch()).scores();
            }
            int differ = 0;
            for (int i = 0; i < a.length; i++) {
                differ += Arrays.equals(a[i], b[i]) ? 0 : 1;
            }
            Samples s = times.get("switchable");
            Samples f = times.get("fixed");
            out.printf(Locale.ROOT, "  %-8d %12.3f %12.3f %10.3f %8.3f %d%n", n, s.median(), f.median(), build[0],
                    f.medianRatioTo(s), differ);
        }
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
