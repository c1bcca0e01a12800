package io.qsvit.step;

import io.qsvit.UserInputException;
import io.qsvit.eval.PreparedModels;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a step finds the model a user names: an ONNX file, a folder holding {@code model.onnx}, the output
 * folder of {@code apply}, which stands for its real (integer-coded) model, or the output folder of
 * {@code qsvit run} (a released run, as {@code --release} and registry pulls give), which stands for its
 * apply step's real model. Every step works on the model {@linkplain Preparation prepared}, and identifies its
 * input by the original's digest.
 */
public final class ModelInput {
    private ModelInput() {
    }

    /** The model {@code path} names, prepared and checked against the original. */
    public static Preparation.Prepared load(Path path) {
        return PreparedModels.prepare(read(path));
    }

    /** The model {@code path} names, as stored (not prepared). */
    public static OnnxModel read(Path path) {
        Path applied = path.resolve(ApplyStep.NAME);
        if (Files.isDirectory(path) && !Files.exists(path.resolve(OnnxModel.MODEL_FILE))
                && Files.isRegularFile(applied.resolve(ApplyStep.REAL).resolve(OnnxModel.MODEL_FILE))) {
            path = applied;
        }
        Path real = path.resolve(ApplyStep.REAL).resolve(OnnxModel.MODEL_FILE);
        if (Files.isDirectory(path) && !Files.exists(path.resolve(OnnxModel.MODEL_FILE)) && Files.isRegularFile(real)) {
            return OnnxModel.load(real);
        }
        if (!Files.exists(path)) {
            throw new UserInputException("model not found: " + path);
        }
        return OnnxModel.load(path);
    }
}
