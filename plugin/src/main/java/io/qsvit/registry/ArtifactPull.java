package io.qsvit.registry;

import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Fetches a qsvit artifact into a folder: resolves the reference, refuses a manifest that is not a qsvit
 * artifact, downloads every layer into a hidden sibling folder, checks each file against the manifest's
 * digest and size, and renames the folder into place, so a failed pull leaves nothing under the name.
 */
public final class ArtifactPull {
    /**
     * What a pull fetched.
     *
     * @param digest the manifest digest the reference resolved to
     * @param folder where the files are
     * @param downloaded false when the content was already there (cache) and nothing was fetched
     */
    public record Result(OciReference reference, String digest, String artifactType, Path folder, boolean downloaded) {
    }

    private ArtifactPull() {
    }

    /**
     * Pulls into {@code folder}, which must not exist yet, or already hold exactly this artifact (then nothing
     * is written).
     */
    public static Result pull(OciReference reference, Path folder, RegistryOptions options) {
        RegistryClient client = new RegistryClient(options);
        RegistryClient.Resolved resolved = client.resolve(reference);
        ArtifactManifest manifest = ArtifactManifest.parse(resolved.json(), reference);
        Path target = folder.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            Optional<String> problem = mismatch(target, manifest);
            if (problem.isEmpty()) {
                return new Result(reference, resolved.digest(), manifest.artifactType(), target, false);
            }
            throw new UserInputException("cannot pull into " + folder + ": it exists and does not hold " + reference
                    + " (" + problem.get() + ")");
        }
        download(client, reference, manifest, target);
        return new Result(reference, resolved.digest(), manifest.artifactType(), target, true);
    }

    /** Downloads every layer of {@code manifest} and moves the checked folder to {@code target} atomically. */
    static void download(RegistryClient client, OciReference reference, ArtifactManifest manifest, Path target) {
        Path parent = target.getParent();
        Path staging;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".pull-");
        } catch (IOException e) {
            throw new UserInputException("cannot write " + target + ": " + e.getMessage());
        }
        try {
            for (ArtifactManifest.Descriptor layer : manifest.layers()) {
                Path file = staging.resolve(layer.title());
                Files.createDirectories(file.getParent());
                client.fetchBlob(reference, layer.digest(), file);
                long size = Files.size(file);
                String digest = "sha256:" + Digests.ofFile(file);
                if (size != layer.size() || !digest.equals(layer.digest())) {
                    throw new UserInputException(reference + ": " + layer.title() + " arrived with " + size + " bytes and "
                            + digest + ", but the manifest says " + layer.size() + " bytes and " + layer.digest());
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot write " + target + ": " + e.getMessage());
        } finally {
            deleteQuietly(staging);
        }
    }

    /**
     * Why {@code folder} does not hold exactly the manifest's files (a missing, extra or changed file), or
     * empty when it does.
     */
    static Optional<String> mismatch(Path folder, ArtifactManifest manifest) {
        Map<String, ArtifactManifest.Descriptor> expected = new TreeMap<>();
        manifest.layers().forEach(l -> expected.put(l.title(), l));
        if (!Files.isDirectory(folder)) {
            return Optional.of("not a folder");
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String title = folder.relativize(p).toString().replace('\\', '/');
                ArtifactManifest.Descriptor layer = expected.remove(title);
                if (layer == null) {
                    return Optional.of(title + " is not in the artifact");
                }
                if (Files.size(p) != layer.size() || !("sha256:" + Digests.ofFile(p)).equals(layer.digest())) {
                    return Optional.of(title + " does not match its digest");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return Optional.of("cannot be read: " + e.getMessage());
        }
        return expected.isEmpty() ? Optional.empty() : Optional.of(expected.keySet().iterator().next() + " is missing");
    }

    private static void deleteQuietly(Path folder) {
        try {
            Folders.deleteRecursively(folder);
        } catch (UncheckedIOException e) {
            // a hidden leftover beside the target; the error that got us here matters more
        }
    }
}
