package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.model.ExternalData;
import io.qsvit.model.OnnxModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * ONNX Runtime sessions for models we changed in memory (extra outputs, overridable weights). A model with
 * external data cannot run from bytes (ONNX Runtime finds the data relative to the model file), so it is
 * written to a temporary folder beside links to its data files, loaded, and the folder removed.
 */
final class Sessions {
    private Sessions() {
    }

    static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            // only the onnxruntime_gpu build lists CUDA; it falls back to CPU for what CUDA cannot run
            options.addCUDA(0);
        }
        return options;
    }

    static OrtSession create(ModelProto proto, OnnxModel source, OrtSession.SessionOptions options) throws OrtException {
        Set<ExternalData> external = new LinkedHashSet<>();
        for (TensorProto t : proto.getGraph().getInitializerList()) {
            if (ExternalData.isExternal(t)) {
                external.add(ExternalData.of(t, source.folder(), source.file()));
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        if (external.isEmpty()) {
            return env.createSession(proto.toByteArray(), options);
        }
        Path folder = null;
        try {
            folder = Files.createTempDirectory("qsvit-session");
            for (ExternalData data : external) {
                Path link = folder.resolve(data.location());
                if (!Files.exists(link)) {
                    Files.createDirectories(link.getParent());
                    Files.createSymbolicLink(link, data.file().toAbsolutePath());
                }
            }
            Path file = folder.resolve("model.onnx");
            try (var out = Files.newOutputStream(file)) {
                proto.writeTo(out);
            }
            return env.createSession(file.toString(), options);
        } catch (IOException e) {
            throw new UserInputException("cannot stage " + source.file() + " for ONNX Runtime: " + e.getMessage());
        } finally {
            Folders.deleteRecursively(folder);
        }
    }

}
