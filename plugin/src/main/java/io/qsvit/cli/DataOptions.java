package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The data options every evaluating step shares (a picocli mixin), so all steps select images alike. */
final class DataOptions {
    @Option(names = "--data", required = true, description = "Labelled samples: an IDX folder, a folder of .npy "
            + "arrays, a libsvm file, a folder with one sub-folder of images per class, or event recordings (a"
            + " folder with one sub-folder per class, or DVS Gesture's .aedat files with their label files).")
    Path data;

    @Option(names = "--format", defaultValue = "auto",
            description = "auto (detect), idx, npy, libsvm, images or events (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--split", defaultValue = IdxDataset.TEST_SPLIT, description = "IDX split name; for event data"
            + " the Train/Test folder or DVS Gesture trials list (t10k = test) (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", description = "Use N images: the first N, or N stratified by class with --seed.")
    Integer limit;

    @Option(names = "--seed", description = "Take a stratified subset of --limit images chosen with this seed.")
    Long seed;

    @Mixin
    PreprocessingOptions preprocessing;

    @Mixin
    EventDataOptions events;

    EvaluationData request() {
        if (seed != null && limit == null) {
            throw new UserInputException("--seed chooses a stratified subset and needs --limit");
        }
        return new EvaluationData(data, DataFormat.parse(format), split, limit, seed, preprocessing.preprocessing(),
                events.events());
    }
}
