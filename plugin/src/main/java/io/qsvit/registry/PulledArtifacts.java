package io.qsvit.registry;

import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pulled artifacts kept in the step cache by manifest digest, so a pipeline never downloads the same content
 * twice: a reference pinned to a digest that the cache holds needs no registry at all, and a tag costs one
 * manifest request. Entries are checked in full (every file against the manifest) before each use; a
 * corrupted one is reported, removed and fetched again.
 * <pre>
 * v1/pulled/HEX/manifest.json    the manifest as the registry served it (its sha256 is HEX)
 * v1/pulled/HEX/artifact/...     the files, named by their layer titles
 * </pre>
 * Without a cache ({@code --no-cache}), pulls go to a temporary folder removed when the program exits.
 */
public final class PulledArtifacts {
    private static final String MANIFEST = "manifest.json";
    private static final String ARTIFACT = "artifact";

    private final Cache cache;
    private final RegistryOptions options;
    private final Consumer<String> warnings;

    public PulledArtifacts(Cache cache, RegistryOptions options, Consumer<String> warnings) {
        this.cache = cache;
        this.options = options;
        this.warnings = warnings;
    }

    /** The local folder holding the artifact {@code reference} names, fetched only when not already cached. */
    public ArtifactPull.Result fetch(OciReference reference) {
        if (reference.digest() != null) {
            Optional<Path> held = held(reference.digest());
            if (held.isPresent()) {
                return new ArtifactPull.Result(reference, reference.digest(), artifactType(held.get()), held.get(), false);
            }
        }
        RegistryClient client = new RegistryClient(options);
        RegistryClient.Resolved resolved = client.resolve(reference);
        ArtifactManifest manifest = ArtifactManifest.parse(resolved.json(), reference);
        Optional<Path> held = held(resolved.digest());
        if (held.isPresent()) {
            return new ArtifactPull.Result(reference, resolved.digest(), manifest.artifactType(), held.get(), false);
        }
        Path folder = store(client, reference, resolved, manifest);
        return new ArtifactPull.Result(reference, resolved.digest(), manifest.artifactType(), folder, true);
    }

    private Optional<Path> held(String digest) {
        Optional<Path> root = cache.folder();
        if (root.isEmpty()) {
            return Optional.empty();
        }
        Path entry = root.get().resolve("v1").resolve("pulled").resolve(hex(digest));
        if (!Files.isDirectory(entry)) {
            return Optional.empty();
        }
        String problem;
        try {
            String json = Files.readString(entry.resolve(MANIFEST), StandardCharsets.UTF_8);
            if (!("sha256:" + io.qsvit.artifact.Digests.of(json.getBytes(StandardCharsets.UTF_8))).equals(digest)) {
                problem = MANIFEST + " does not match its digest";
            } else {
                problem = ArtifactPull.mismatch(entry.resolve(ARTIFACT),
                        ArtifactManifest.parse(json, new OciReference("cache", "pulled", null, digest))).orElse(null);
            }
        } catch (IOException | UserInputException e) {
            problem = MANIFEST + " cannot be read";
        }
        if (problem == null) {
            return Optional.of(entry.resolve(ARTIFACT));
        }
        warnings.accept("pulled artifact " + digest + " in the cache is corrupted; fetching it again (" + problem + ")");
        remove(root.get(), entry);
        return Optional.empty();
    }

    private Path store(RegistryClient client, OciReference reference, RegistryClient.Resolved resolved,
                       ArtifactManifest manifest) {
        Optional<Path> root = cache.folder();
        try {
            if (root.isEmpty()) {
                Path temp = Files.createTempDirectory("qsvit-pull-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(temp)));
                Path folder = temp.resolve(ARTIFACT);
                ArtifactPull.download(client, reference, manifest, folder);
                return folder;
            }
            Path tmp = root.get().resolve("v1").resolve("tmp");
            Files.createDirectories(tmp);
            Path staging = Files.createTempDirectory(tmp, "pull-");
            try {
                ArtifactPull.download(client, reference, manifest, staging.resolve(ARTIFACT));
                Files.writeString(staging.resolve(MANIFEST), resolved.json(), StandardCharsets.UTF_8);
                Path entry = root.get().resolve("v1").resolve("pulled").resolve(hex(resolved.digest()));
                Files.createDirectories(entry.getParent());
                try {
                    Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another run pulled the same digest meanwhile: its entry is the same content
                }
                return entry.resolve(ARTIFACT);
            } finally {
                deleteQuietly(staging);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot keep the pulled " + reference + " in the cache: " + e.getMessage());
        }
    }

    private static String artifactType(Path artifact) {
        try {
            String json = Files.readString(artifact.resolveSibling(MANIFEST), StandardCharsets.UTF_8);
            return ArtifactManifest.parse(json, new OciReference("cache", "pulled", "x", null)).artifactType();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    private static void remove(Path root, Path entry) {
        try {
            Path trash = Files.createTempDirectory(root.resolve("v1").resolve("tmp"), "removed-");
            Files.move(entry, trash.resolve("entry"), StandardCopyOption.ATOMIC_MOVE);
            deleteQuietly(trash);
        } catch (IOException e) {
            throw new UserInputException("cannot remove corrupted cache entry " + entry + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path folder) {
        try {
            Folders.deleteRecursively(folder);
        } catch (UncheckedIOException e) {
            // leftovers under tmp/ are never read as entries
        }
    }
}
