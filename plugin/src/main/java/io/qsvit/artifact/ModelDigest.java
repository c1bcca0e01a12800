package io.qsvit.artifact;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.ExternalData;
import io.qsvit.model.OnnxModel;

import java.nio.charset.StandardCharsets;
import java.util.TreeSet;

/**
 * Content digest of a model: its .onnx file plus every external data file it references, by location. Files
 * are read through the {@linkplain Cache#shared() shared cache}'s memo of unchanged inputs.
 */
public final class ModelDigest {
    private ModelDigest() {
    }

    public static String of(OnnxModel model) {
        Cache cache = Cache.shared();
        StringBuilder s = new StringBuilder(cache.digestOf(model.file()));
        TreeSet<String> locations = new TreeSet<>();
        for (TensorProto t : model.proto().getGraph().getInitializerList()) {
            if (ExternalData.isExternal(t)) {
                locations.add(ExternalData.of(t, model.folder(), model.file()).location());
            }
        }
        for (String location : locations) {
            s.append('\n').append(location).append('\t').append(cache.digestOf(model.folder().resolve(location)));
        }
        return locations.isEmpty() ? s.toString() : Digests.of(s.toString().getBytes(StandardCharsets.UTF_8));
    }
}
