package io.qsvit.cli;

import io.qsvit.bench.ApplyBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Performance benchmarks that print medians and ratios against baselines run in the same process. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Benchmark the apply step on a synthetic SDTv2-55M-sized model against a plain read + write.")
final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "1.7", description = "Channel scale of the synthetic model (1.7 = 55.9M weights).")
    double scale;

    @Option(names = "--repeats", defaultValue = "5", description = "Measured runs (after one warm-up).")
    int repeats;

    @Option(names = "--work", description = "Scratch folder (default: a new temporary folder).")
    Path work;

    @Override
    public Integer call() throws Exception {
        Path folder = work != null ? Files.createDirectories(work) : Files.createTempDirectory("qsvit-bench");
        ApplyBenchmark.run(scale, repeats, folder, spec.commandLine().getOut());
        return 0;
    }
}
