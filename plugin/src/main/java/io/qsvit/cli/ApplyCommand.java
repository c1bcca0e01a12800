package io.qsvit.cli;

import io.qsvit.quant.Runtime;
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

    @Option(names = "--runtime", defaultValue = "ort-cpu", description = "What the real model is written for: "
            + "ort-cpu (default: ONNX Runtime's CPU integer kernels for large spike-input layers, one byte per weight "
            + "in memory) or portable (standard float operators only, any ONNX runtime with op-set 18+). Both give the "
            + "simulated model's scores bit for bit.")
    String runtime;

    @Override
    public Integer call() {
        Runtime chosen = Runtime.parse(runtime);
        spec.commandLine().getOut().println(Published.describe("apply", ApplyStep.run(model, setting, out, djlServing,
                preprocessing.preprocessing(), chosen), out));
        return 0;
    }
}
