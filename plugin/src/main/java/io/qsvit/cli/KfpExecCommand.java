package io.qsvit.cli;

import io.qsvit.kfp.ExecutorAdapter;
import io.qsvit.kfp.ExecutorInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The component entry: one step run inside a Kubeflow container, with the launcher's input and output contract. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run a step inside a Kubeflow container (the components' command line): reads Kubeflow's executor "
                + "input, runs the step, writes the metrics, confusion matrix and report the Kubeflow UI shows.")
final class KfpExecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--executor-input", required = true, description = "Kubeflow's ExecutorInput JSON ({{$}}).")
    String executorInput;

    @Parameters(paramLabel = "STEP", arity = "1..*", description = "After --: the step command and its options.")
    List<String> step = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        // the step runs in this same command line: this call's own options are parsed already
        return new ExecutorAdapter(spec.root().commandLine()).run(ExecutorInput.parse(executorInput), List.copyOf(step));
    }
}
