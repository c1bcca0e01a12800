package io.qsvit.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The OCI image manifest of a qsvit artifact (image-spec 1.1: {@code artifactType}, the empty config, one layer
 * per file titled with its relative path). The one reader and writer of this format here: {@link #bytes()} is
 * compact JSON with fields in the specification's order and annotations sorted, so the same content always
 * gives the same bytes and so the same manifest digest; {@link #parse} checks what a registry hands back.
 *
 * @param annotations sorted; {@code org.opencontainers.image.*} and {@code io.qsvit.*}
 */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "annotations"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ArtifactManifest(int schemaVersion, String mediaType, String artifactType, Descriptor config,
                               List<Descriptor> layers, Map<String, String> annotations) {
    /** The annotation holding a layer's file name (relative path), as ORAS names files. */
    public static final String TITLE = "org.opencontainers.image.title";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII) // ASCII bytes whatever the platform charset
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // other tools add fields (subject, data)
            .build();

    /**
     * A blob a manifest points to.
     *
     * @param digest {@code sha256:<hex>} of the blob's bytes
     */
    @JsonPropertyOrder({"mediaType", "digest", "size", "annotations"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {
        public Descriptor {
            annotations = annotations == null ? Map.of() : new TreeMap<>(annotations);
        }

        /** The layer's file, relative to the artifact folder. */
        public String title() {
            return annotations.get(TITLE);
        }
    }

    public ArtifactManifest {
        layers = List.copyOf(layers);
        annotations = annotations == null ? Map.of() : new TreeMap<>(annotations);
    }

    /** A manifest for these layers, with the empty config every qsvit artifact carries. */
    public static ArtifactManifest of(String artifactType, List<Descriptor> layers, Map<String, String> annotations) {
        Descriptor config = new Descriptor(MediaTypes.EMPTY_CONFIG, MediaTypes.EMPTY_CONFIG_DIGEST,
                MediaTypes.EMPTY_CONFIG_BYTES.length, null);
        return new ArtifactManifest(2, MediaTypes.MANIFEST, artifactType, config, layers, annotations);
    }

    /** The manifest's canonical bytes, the ones pushed and digested. */
    public byte[] bytes() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a manifest is always serialisable", e);
        }
    }

    /** {@code sha256:<hex>} of {@link #bytes()}. */
    public String digest() {
        return "sha256:" + Digests.of(bytes());
    }

    /**
     * Reads a manifest a registry returned for {@code reference} and checks that it is a qsvit artifact whose
     * layers can be written safely: known artifact type, sha256 digests, sizes, and titles that are relative
     * paths inside the folder, each once.
     */
    public static ArtifactManifest parse(String json, OciReference reference) {
        ArtifactManifest manifest;
        try {
            manifest = JSON.readValue(json.getBytes(StandardCharsets.UTF_8), ArtifactManifest.class);
        } catch (IOException e) {
            throw new UserInputException(reference + " does not hold a readable OCI manifest: " + firstLine(e.getMessage()));
        }
        if (manifest.schemaVersion != 2 || manifest.layers == null) {
            throw new UserInputException(reference + " is not an OCI image manifest (schemaVersion 2 with layers)");
        }
        if (!MediaTypes.isQsvitArtifact(manifest.artifactType)) {
            throw new UserInputException(reference + " is not a qsvit artifact: its artifact type is "
                    + (manifest.artifactType == null ? "missing (a container image?)" : "'" + manifest.artifactType + "'")
                    + ", not " + MediaTypes.ARTIFACT_PREFIX + "*");
        }
        java.util.Set<String> titles = new java.util.HashSet<>();
        for (Descriptor layer : manifest.layers) {
            if (layer.digest == null || !DIGEST.matcher(layer.digest).matches() || layer.size < 0) {
                throw new UserInputException(reference + " has a layer without a sha256 digest and size");
            }
            String title = layer.title();
            if (!ArtifactFiles.isSafeRelativePath(title)) {
                throw new UserInputException(reference + " has a layer whose file name '" + title
                        + "' is not a relative path inside the artifact");
            }
            if (!titles.add(title)) {
                throw new UserInputException(reference + " names the file " + title + " twice");
            }
        }
        return manifest;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
