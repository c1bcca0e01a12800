package io.qsvit.artifact;

import ai.onnxruntime.OrtEnvironment;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where a result was computed: versions that can change numbers (Java, ONNX Runtime, CPU architecture). */
public final class Provenance {
    private Provenance() {
    }

    public static Map<String, String> current() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("qsvit", ToolVersion.get());
        p.put("java", System.getProperty("java.version"));
        p.put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
        p.put("os_arch", System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        return p;
    }
}
