package io.qsvit.kfp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.UserInputException;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ExecutorInput message (pipeline_spec.proto) a Kubeflow launcher hands a container as {@code {{$}}}, in
 * protojson form: input artifacts with their URIs, output artifacts, and the output metadata file.
 */
public record ExecutorInput(JsonNode json) {

    public static ExecutorInput parse(String text) {
        try {
            JsonNode json = KfpJson.MAPPER.readTree(text);
            if (json == null || !json.isObject() || !json.has("outputs")) {
                throw new UserInputException("--executor-input is not a Kubeflow ExecutorInput (no outputs)");
            }
            return new ExecutorInput(json);
        } catch (JsonProcessingException e) {
            throw new UserInputException("--executor-input is not JSON: " + e.getOriginalMessage());
        }
    }

    /** Local paths of every artifact of an input (one for a single artifact, any number for a list). */
    public List<Path> inputPaths(String name) {
        List<Path> paths = new ArrayList<>();
        json.path("inputs").path("artifacts").path(name).path("artifacts").forEach(a -> paths.add(localPath(a)));
        return paths;
    }

    /** The output artifact as the launcher describes it; its URI goes back in the executor output. */
    public JsonNode output(String name) {
        JsonNode artifact = json.path("outputs").path("artifacts").path(name).path("artifacts").path(0);
        if (artifact.isMissingNode()) {
            throw new UserInputException("the executor input has no output artifact '" + name + "'");
        }
        return artifact;
    }

    public Path outputPath(String name) {
        return localPath(output(name));
    }

    /** Where the executor output (ExecutorOutput JSON) goes. */
    public Path outputFile() {
        String file = json.path("outputs").path("outputFile").asText("");
        if (file.isEmpty()) {
            throw new UserInputException("the executor input names no outputs.outputFile");
        }
        return Path.of(file);
    }

    /**
     * The local path of an artifact, as Kubeflow's launcher maps it (launcher_v2.go, LocalPathForURI): a custom
     * path if set, object-store URIs under /gcs, /minio and /s3 (where the launcher downloads and uploads),
     * and, for a run on one machine, plain paths and file: URIs as they are.
     */
    static Path localPath(JsonNode artifact) {
        String custom = artifact.path("customPath").asText(artifact.path("custom_path").asText(""));
        if (!custom.isEmpty()) {
            return Path.of(custom);
        }
        String uri = artifact.path("uri").asText("");
        for (String scheme : List.of("gs", "minio", "s3")) {
            String prefix = scheme + "://";
            if (uri.startsWith(prefix)) {
                return Path.of("/" + (scheme.equals("gs") ? "gcs" : scheme) + "/" + uri.substring(prefix.length()));
            }
        }
        if (uri.startsWith("oci://")) {
            return Path.of("/oci/" + uri.substring("oci://".length()).replace('/', '_') + "/models");
        }
        if (uri.startsWith("file:")) {
            return Path.of(URI.create(uri));
        }
        if (uri.startsWith("/")) {
            return Path.of(uri);
        }
        throw new UserInputException("artifact URI '" + uri + "' has no local path (not s3://, minio://, gs://, oci://, "
                + "file: or an absolute path)");
    }
}
