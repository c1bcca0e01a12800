package io.qsvit.cli;

import io.qsvit.step.ApplyStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--setting", required = true, description = "Setting file (JSON or YAML), or a folder holding "
            + "setting.json (an explore or apply output).")
    Path setting;

    @Option(names = "--out", required = true, description = "Output folder (created; must be new, empty or this same artifact).")
    Path out;

    @Option(names = "--djl-serving", description = "Also make simulated/ and real/ DJL Serving model folders: "
            + "a serving.properties beside each model.onnx (engine OnnxRuntime, qsvit's translator, image shape and "
            + "the preprocessing options below).")
    boolean djlServing;

    @Mixin
    PreprocessingOptions preprocessing;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Published.describe("apply", ApplyStep.run(model, setting, out, djlServing,
                preprocessing.preprocessing()), out));
        return 0;
    }
}
