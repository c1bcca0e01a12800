package io.qsvit.bench;

import io.qsvit.Folders;
import io.qsvit.artifact.Cache;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.search.Objective;
import io.qsvit.search.SearchSpace;
import io.qsvit.search.Trial;
import io.qsvit.step.ExploreStep;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The explore target: QSViT's guided exploration run to completion as the paper runs it (every candidate
 * evaluated on all exploration images, no racing) next to the heterogeneous search with its defaults
 * (racing, probes, sensitivity cells), in one process on the same inputs, side by side.
 */
public final class SearchBenchmark {
    /**
     * @param sensitivity null for none
     * @param maxDrop     null to keep the bounds' requirement
     * @param limit       null for all images
     * @param seed        with a limit: a class-balanced subset of that many images with this seed (the one a
     *                    pipeline's data.seed picks); null for the first images
     * @param objective   the cost both strategies minimise (guided: by its moves and order) and the comparison is
     *                    made on (null: accounted memory, guided as QSViT orders it)
     */
    public record Options(Path model, Path data, Path bounds, Path sensitivity, Double maxDrop, Integer limit, int threads,
                          Objective objective, Long seed) {
        public Options(Path model, Path data, Path bounds, Path sensitivity, Double maxDrop, Integer limit, int threads,
                       Objective objective) {
            this(model, data, bounds, sensitivity, maxDrop, limit, threads, objective, null);
        }

        public Options(Path model, Path data, Path bounds, Path sensitivity, Double maxDrop, Integer limit, int threads) {
            this(model, data, bounds, sensitivity, maxDrop, limit, threads, null);
        }
    }

    private SearchBenchmark() {
    }

    public static void run(Options options, Path work, PrintWriter console) {
        Cache previous = Cache.share(Cache.disabled()); // both strategies must really run
        Measured guided;
        Measured heterogeneous;
        try {
            guided = explore(options, ExploreStep.Strategy.GUIDED, List.of(), work.resolve("guided"), console);
            heterogeneous = explore(options, ExploreStep.Strategy.HETEROGENEOUS, ExploreStep.DEFAULT_RACING,
                    work.resolve("heterogeneous"), console);
        } finally {
            Cache.share(previous);
        }
        Map<?, ?> requirement = (Map<?, ?>) guided.result.results().get("requirement");
        console.printf(Locale.ROOT, "%nexplore benchmark: %s on %s, %d images; requirement %s (float %.4f, required %.4f)%n",
                options.model(), options.data(), guided.result.search().floatTrial().trial().images(),
                requirement.containsKey("max_drop") ? "max drop " + requirement.get("max_drop")
                        : "target " + requirement.get("target_accuracy"),
                (Double) requirement.get("float_accuracy"), (Double) requirement.get("required_accuracy"));
        console.printf("%-26s %-24s %s%n", "", "guided (QSViT Alg. 3)", "heterogeneous");
        row(console, "accuracy (all images)", guided, heterogeneous, m -> String.format(Locale.ROOT, "%.4f (%d/%d)",
                m.chosen().accuracy(), m.chosen().correct(), m.chosen().images()));
        row(console, "requirement met", guided, heterogeneous, m -> String.valueOf(m.result.results().get("requirement_met")));
        row(console, "memory saved (accounted)", guided, heterogeneous, m -> percent(m.picked().get("memory_saving_vs_float32")));
        row(console, "stored bytes saved", guided, heterogeneous, m -> percent(m.picked().get("storage_saving_vs_float32")));
        row(console, "effective bits", guided, heterogeneous, m -> String.format(Locale.ROOT, "%.3f", m.chosen().effectiveBits()));
        row(console, "energy (uJ/image)", guided, heterogeneous, m -> String.format(Locale.ROOT, "%.4f (%s saved)",
                m.chosen().energyMicrojoules(), percent(m.picked().get("energy_saving_vs_float32"))));
        row(console, "trials", guided, heterogeneous, m -> String.valueOf(m.result.search().trials().size()));
        row(console, "images evaluated", guided, heterogeneous, m -> String.valueOf(m.result.search().imagesEvaluated()));
        row(console, "evaluation time (s)", guided, heterogeneous, m -> String.format(Locale.ROOT, "%.1f", m.seconds));
        String cost = options.objective() == null ? "memory_bits" : options.objective().id();
        console.printf(Locale.ROOT, "heterogeneous / guided: time %.2f (goal <= 0.5), images %.2f; %s %.4f (goal < 1)%n",
                heterogeneous.seconds / guided.seconds,
                (double) heterogeneous.result.search().imagesEvaluated() / guided.result.search().imagesEvaluated(),
                cost, objectiveCost(options.objective(), heterogeneous) / objectiveCost(options.objective(), guided));
        console.flush();
    }

    /**
     * The chosen setting's cost on the objective, as a fraction of the float model's per cost and weighted, from
     * what the step reported (accounted memory without an objective).
     */
    static double objectiveCost(Objective objective, Measured m) {
        Map<?, ?> picked = m.picked();
        if (objective == null) {
            return 1 - (Double) picked.get("memory_saving_vs_float32");
        }
        double sum = 0;
        for (Map.Entry<Objective.Cost, Double> w : objective.weights().entrySet()) {
            double fraction = switch (w.getKey()) {
                case STORED_BYTES -> 1 - (Double) picked.get("storage_saving_vs_float32");
                case ENERGY -> 1 - (Double) picked.get("energy_saving_vs_float32");
                case EFFECTIVE_BITS -> (Double) picked.get("effective_bits") / 32;
            };
            sum += w.getValue() * fraction;
        }
        return sum;
    }

    private record Measured(ExploreStep.Result result, double seconds) {
        Trial chosen() {
            return result.search().chosen().trial();
        }

        Map<?, ?> picked() {
            return (Map<?, ?>) result.results().get("chosen");
        }
    }

    private static Measured explore(Options o, ExploreStep.Strategy strategy, List<Integer> racing, Path out,
                                    PrintWriter console) {
        Folders.deleteRecursively(out); // a fresh run, never an up-to-date artifact
        EvaluationData data = new EvaluationData(o.data(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, o.limit(), o.seed());
        ExploreStep.Request request = new ExploreStep.Request(o.model(), data, o.bounds(), o.sensitivity(), strategy,
                o.maxDrop(), null, null, racing, SearchSpace.SPIKEHQ, ExploreStep.DEFAULT_PROBE_IMAGES, 1, null, 250,
                o.threads(), null, o.objective());
        console.printf("running %s ...%n", strategy.id());
        console.flush();
        long start = System.nanoTime();
        ExploreStep.Result result = ExploreStep.run(request, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        console.printf(Locale.ROOT, "%s: %.1f s, wrote %s%n", strategy.id(), seconds, out);
        return new Measured(result, seconds);
    }

    private interface Column {
        String of(Measured m);
    }

    private static void row(PrintWriter console, String name, Measured guided, Measured heterogeneous, Column column) {
        console.printf("%-26s %-24s %s%n", name, column.of(guided), column.of(heterogeneous));
    }

    private static String percent(Object fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * (Double) fraction);
    }
}
