package io.qsvit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Kubeflow Pipelines: compile the specs, run a compiled pipeline here, run a step inside a Kubeflow container. */
@Command(name = "kfp", mixinStandardHelpOptions = true,
        description = "Kubeflow Pipelines v2: compile qsvit's component and pipeline specs, run a compiled pipeline "
                + "on this machine, or run a step inside a Kubeflow container.",
        subcommands = {KfpCompileCommand.class, KfpRunCommand.class, KfpExecCommand.class, KfpShardsCommand.class})
final class KfpCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
