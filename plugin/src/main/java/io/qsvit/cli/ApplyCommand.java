package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
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
            + "a serving.properties beside each model.onnx (engine OnnxRuntime, qsvit's translator, and the image shape and"
            + " preprocessing options below, or for a model with a time axis the frames and event options below).")
    boolean djlServing;

    @Mixin
    PreprocessingOptions preprocessing;

    @Mixin
    EventDataOptions events;

    @Option(names = "--runtime", defaultValue = "ort-cpu", description = "What the real model is written for: "
            + "ort-cpu (default: ONNX Runtime's CPU integer kernels for large spike-input layers, one byte per weight "
            + "in memory) or portable (standard float operators only, any ONNX runtime with op-set 18+). Both give the "
            + "simulated model's scores bit for bit.")
    String runtime;

    @Option(names = "--bias-correction", description = "Fold each quantized layer's expected output shift "
            + "E[(W - Q(W)) x], measured on --calibration-data, into its bias (a bias is added where the layer has none).")
    boolean biasCorrection;

    @Option(names = "--calibration-data", description = "Labelled samples for --bias-correction (the formats of --data"
            + " elsewhere); read with the preprocessing and event options above.")
    Path calibrationData;

    @Option(names = "--calibration-format", defaultValue = "auto", description = "Format of --calibration-data "
            + "(default: ${DEFAULT-VALUE}).")
    String calibrationFormat;

    @Option(names = "--calibration-split", defaultValue = IdxDataset.TEST_SPLIT, description = "IDX split of "
            + "--calibration-data (default: ${DEFAULT-VALUE}).")
    String calibrationSplit;

    @Option(names = "--calibration-limit", defaultValue = "500", description = "Calibrate on N images, class-balanced"
            + " (stratified with --calibration-seed) (default: ${DEFAULT-VALUE}).")
    int calibrationLimit;

    @Option(names = "--calibration-seed", defaultValue = "0", description = "Seed of the class-balanced calibration "
            + "subset (default: ${DEFAULT-VALUE}).")
    long calibrationSeed;

    @Override
    public Integer call() {
        Runtime chosen = Runtime.parse(runtime);
        spec.commandLine().getOut().println(Published.describe("apply", ApplyStep.run(model, setting, out, djlServing,
                preprocessing.preprocessing(), events.events(), chosen, calibration()), out));
        return 0;
    }

    private EvaluationData calibration() {
        if (!biasCorrection) {
            if (calibrationData != null) {
                throw new UserInputException("--calibration-data is only used with --bias-correction");
            }
            return null;
        }
        if (calibrationData == null) {
            throw new UserInputException("--bias-correction needs --calibration-data");
        }
        if (calibrationLimit < 1) {
            throw new UserInputException("--calibration-limit must be at least 1, got " + calibrationLimit);
        }
        return new EvaluationData(calibrationData, DataFormat.parse(calibrationFormat), calibrationSplit,
                calibrationLimit, calibrationSeed, preprocessing.preprocessing(), events.events());
    }
}
