package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.bench.ApplyBenchmark;
import io.qsvit.bench.SearchBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Performance benchmarks that print measurements side by side with baselines run in the same process. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Benchmark a step. --suite apply (default): apply on a synthetic SDTv2-55M-sized model against "
                + "a plain read + write. --suite search: explore's guided and heterogeneous strategies side by side "
                + "on --model, --data, --bounds and --sensitivity.")
final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--suite", defaultValue = "apply", description = "apply or search (default: ${DEFAULT-VALUE}).")
    String suite;

    @Option(names = "--scale", defaultValue = "1.7", description = "apply: channel scale of the synthetic model (1.7 = 55.9M weights).")
    double scale;

    @Option(names = "--repeats", defaultValue = "5", description = "apply: measured runs (after one warm-up).")
    int repeats;

    @Option(names = "--work", description = "Scratch folder (default: a new temporary folder).")
    Path work;

    @Option(names = "--model", description = "search: the float model.")
    Path model;

    @Option(names = "--data", description = "search: the exploration images (IDX, test split).")
    Path data;

    @Option(names = "--limit", description = "search: use the first N images.")
    Integer limit;

    @Option(names = "--bounds", description = "search: output folder of the bounds step.")
    Path bounds;

    @Option(names = "--sensitivity", description = "search: output folder of the sensitivity step.")
    Path sensitivity;

    @Option(names = "--max-drop", description = "search: override the bounds' requirement.")
    Double maxDrop;

    @Option(names = "--threads", description = "search: ONNX Runtime intra-op threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
        switch (suite) {
            case "apply" -> ApplyBenchmark.run(scale, repeats, folder, spec.commandLine().getOut());
            case "search" -> {
                if (model == null || data == null || bounds == null) {
                    throw new UserInputException("--suite search needs --model, --data and --bounds");
                }
                SearchBenchmark.run(new SearchBenchmark.Options(model, data, bounds, sensitivity, maxDrop, limit,
                        threads != null ? threads : Runtime.getRuntime().availableProcessors()), folder, spec.commandLine().getOut());
            }
            default -> throw new UserInputException("unknown suite '" + suite + "'; one of apply, search");
        }
        return 0;
    }
}
