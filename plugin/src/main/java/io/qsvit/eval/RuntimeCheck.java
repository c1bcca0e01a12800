package io.qsvit.eval;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import io.qsvit.UserInputException;

import java.nio.file.Path;

/**
 * Whether a model file loads in ONNX Runtime as evaluate and inspect load it: the check a step runs on models it
 * wrote before publishing them, so no artifact holds a model that the next step would refuse.
 */
public final class RuntimeCheck {
    private RuntimeCheck() {
    }

    /** Builds (and closes) a session for the file, with graph optimizations off: only loading is checked. */
    public static void loads(Path modelFile, String what) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(modelFile.toString(), options)) {
                session.getNumInputs();
            }
        } catch (OrtException e) {
            throw new UserInputException(what + " does not load in ONNX Runtime, so it is not published: "
                    + (e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("")));
        }
    }
}
