package io.qsvit.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * The {@value #FILE} every step writes into its output folder (schema {@value #SCHEMA}). Everything but
 * {@code timings} is a function of the inputs, so the same inputs give byte-identical metadata.
 *
 * @param inputs     input name -> content digest (sha256)
 * @param parameters effective parameters, defaults filled in
 * @param outputs    relative file path -> digest of every file the step wrote beside this one
 */
@JsonPropertyOrder({"schema", "step", "algorithm_version", "tool_version", "cache_key", "inputs", "parameters",
        "results", "outputs", "provenance", "timings"})
public record StepMetadata(
        String schema,
        String step,
        @JsonProperty("algorithm_version") int algorithmVersion,
        @JsonProperty("tool_version") String toolVersion,
        @JsonProperty("cache_key") String cacheKey,
        Map<String, String> inputs,
        Map<String, Object> parameters,
        Map<String, Object> results,
        Map<String, String> outputs,
        Map<String, String> provenance,
        Map<String, Double> timings) {

    public static final String FILE = "metadata.json";
    public static final String SCHEMA = "qsvit.step-metadata/v1";
}
