package io.qsvit.artifact;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What identifies one run of a step: its name, algorithm version, effective parameters and input digests.
 * The cache key is the digest of their canonical JSON, so equal keys mean equal outputs.
 */
public record StepContext(String step, int algorithmVersion, Map<String, Object> parameters, Map<String, String> inputs) {

    public String cacheKey() {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("step", step);
        identity.put("algorithm_version", algorithmVersion);
        identity.put("parameters", parameters);
        identity.put("inputs", inputs);
        return Digests.ofCanonicalJson(identity);
    }
}
