package io.qsvit.cli;

import io.qsvit.step.SensitivityMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Joins the shards of a sensitivity sweep into the output one whole run gives. */
@Command(name = "sensitivity-merge", mixinStandardHelpOptions = true,
        description = "Merge the outputs of sensitivity --shard 0/n .. (n-1)/n into one sensitivity output, "
                + "identical to a single run's.")
final class SensitivityMergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--shards", required = true, arity = "1..*", description = "The shard output folders, every shard once.")
    List<Path> shards;

    @Option(names = "--out", required = true, description = "Output folder (created; must be new, empty or this same artifact).")
    Path out;

    @Override
    public Integer call() {
        SensitivityCommand.report(spec.commandLine().getOut(), "sensitivity-merge", SensitivityMerge.run(shards, out), out);
        return 0;
    }
}
