package io.qsvit.cli;

import io.qsvit.step.ApplyStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** QSViT Algorithm 4 on the command line. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Apply a precision setting: write the simulated (fake-quant) and real (integer codes + "
                + "DequantizeLinear) models, the setting and metadata.json into --out.")
final class ApplyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX file or model artifact folder.")
    Path model;

    @Option(names = "--setting", required = true, description = "Setting file (JSON or YAML).")
    Path setting;

    @Option(names = "--out", required = true, description = "Output folder (created; must be new, empty or this same artifact).")
    Path out;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Published.describe("apply", ApplyStep.run(model, setting, out), out));
        return 0;
    }
}
