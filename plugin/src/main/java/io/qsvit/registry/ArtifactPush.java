package io.qsvit.registry;

import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publishes a folder (a step's output, a run's output, or a model) as an OCI artifact: every blob first, the
 * manifest last, under the reference's tag. A registry shows a tag only once its manifest is accepted, and it
 * accepts a manifest only when every blob it names is there, so a push that fails half-way is never visible
 * under the tag. Blobs the registry already holds are not uploaded again.
 */
public final class ArtifactPush {
    /**
     * What a push published.
     *
     * @param reference the reference pushed to, as given (tag)
     * @param digest    the manifest's digest ({@code sha256:...}): the same content always gives the same one
     * @param layers    files pushed, one layer each
     * @param bytes     their total size
     */
    public record Result(OciReference reference, String digest, String artifactType, int layers, long bytes) {
        /** The reference pinned to what was pushed, {@code oci://HOST/REPO@sha256:...}. */
        public OciReference pinned() {
            return reference.withDigest(digest);
        }
    }

    private ArtifactPush() {
    }

    /** The manifest a push of {@code source} would publish, without contacting a registry. */
    public static ArtifactManifest manifestOf(Path source, String sourceDateEpoch) {
        return manifest(ArtifactContent.of(source, sourceDateEpoch));
    }

    /**
     * Pushes {@code source} to {@code target}. {@code sourceDateEpoch} ({@code SOURCE_DATE_EPOCH}, may be null)
     * is the only time a manifest may carry.
     */
    public static Result push(Path source, OciReference target, RegistryOptions options, String sourceDateEpoch) {
        if (!Files.exists(source)) {
            throw new UserInputException("nothing to push: " + source + " does not exist");
        }
        ArtifactContent content = ArtifactContent.of(source, sourceDateEpoch);
        ArtifactManifest manifest = manifest(content);
        byte[] bytes = manifest.bytes();
        String digest = manifest.digest();
        if (target.digest() != null && !target.digest().equals(digest)) {
            throw new UserInputException("cannot push " + source + " to " + target + ": its manifest digest is " + digest);
        }
        RegistryClient client = new RegistryClient(options);
        long total = 0;
        for (int i = 0; i < content.files().size(); i++) {
            ArtifactManifest.Descriptor layer = manifest.layers().get(i);
            client.pushBlob(target, content.files().get(i).path(), layer.digest(), layer.size());
            total += layer.size();
        }
        client.pushBlob(target, MediaTypes.EMPTY_CONFIG_BYTES);
        client.pushManifest(target, bytes); // last: the tag appears only now, with every blob in place
        String stored = client.resolve(target).digest();
        if (!stored.equals(digest)) {
            throw new UserInputException(target + " now points at " + stored + ", not at the pushed manifest " + digest
                    + " (another push to the same tag at the same time?)");
        }
        return new Result(target, digest, content.artifactType(), content.files().size(), total);
    }

    private static ArtifactManifest manifest(ArtifactContent content) {
        List<ArtifactManifest.Descriptor> layers = new ArrayList<>();
        for (ArtifactFiles.File file : content.files()) {
            long size;
            try {
                size = Files.size(file.path());
            } catch (IOException e) {
                throw new UserInputException("cannot read " + file.path() + ": " + e.getMessage());
            }
            layers.add(new ArtifactManifest.Descriptor(MediaTypes.ofFile(file.title()),
                    "sha256:" + Digests.ofFile(file.path()), size, Map.of(ArtifactManifest.TITLE, file.title())));
        }
        return ArtifactManifest.of(content.artifactType(), layers, content.annotations());
    }
}
