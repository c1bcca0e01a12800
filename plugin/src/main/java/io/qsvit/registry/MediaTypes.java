package io.qsvit.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The media types of what qsvit pushes: an artifact type per step (so a registry, {@code oras discover} or a
 * UI tells an {@code apply} output from an {@code evaluate} one, and a pull can refuse another kind), a media
 * type per file, and the OCI empty config that artifacts carry (image-spec 1.1, "artifacts guidance").
 */
public final class MediaTypes {
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
    /** The empty config blob, {@code {}}, and its digest (image-spec 1.1, "guidance for an empty descriptor"). */
    public static final byte[] EMPTY_CONFIG_BYTES = {'{', '}'};
    public static final String EMPTY_CONFIG_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    /** Prefix of every artifact type qsvit writes; a pull refuses manifests without it. */
    public static final String ARTIFACT_PREFIX = "application/vnd.qsvit.";
    /** A bare model (an ONNX file or a folder holding one) pushed without step metadata. */
    public static final String MODEL_ARTIFACT = ARTIFACT_PREFIX + "model.v1";
    /** Any other file or folder without step metadata, such as evaluation images. */
    public static final String FILES_ARTIFACT = ARTIFACT_PREFIX + "files.v1";
    private static final Pattern STEP = Pattern.compile("[a-z][a-z0-9-]{0,40}");
    private static final Pattern STEP_ARTIFACT = Pattern.compile(Pattern.quote(ARTIFACT_PREFIX) + "([a-z][a-z0-9-]{0,40})\\.v1");

    private MediaTypes() {
    }

    /** {@code application/vnd.qsvit.<step>.v1}, e.g. {@code application/vnd.qsvit.apply.v1}. */
    public static String ofStep(String step) {
        if (!STEP.matcher(step).matches()) {
            throw new IllegalArgumentException("not a step name: " + step);
        }
        return ARTIFACT_PREFIX + step + ".v1";
    }

    /** True for an artifact type qsvit writes (a step's output, or a bare model). */
    public static boolean isQsvitArtifact(String artifactType) {
        return artifactType != null && STEP_ARTIFACT.matcher(artifactType).matches();
    }

    /** The media type of one file of an artifact, by its name. */
    public static String ofFile(String relativePath) {
        String name = relativePath.substring(relativePath.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (name.equals("metadata.json")) {
            return ARTIFACT_PREFIX + "metadata.v1+json";
        }
        if (name.equals("setting.json") || name.startsWith("setting-") && name.endsWith(".json")) {
            return ARTIFACT_PREFIX + "setting.v1+json";
        }
        if (name.endsWith(".onnx")) {
            return ARTIFACT_PREFIX + "onnx.model.v1";
        }
        if (name.endsWith(".onnx.data") || name.endsWith(".data")) {
            return ARTIFACT_PREFIX + "onnx.data.v1";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        if (name.endsWith(".jsonl")) {
            return "application/jsonl";
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return "application/yaml";
        }
        if (name.endsWith(".md")) {
            return "text/markdown";
        }
        if (name.endsWith(".csv")) {
            return "text/csv";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (name.endsWith(".properties") || name.endsWith(".txt")) {
            return "text/plain";
        }
        return "application/octet-stream";
    }
}
