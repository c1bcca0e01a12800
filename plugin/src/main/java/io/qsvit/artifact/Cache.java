package io.qsvit.artifact;

import io.qsvit.Folders;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The content-addressed store of step outputs that every step publishes through: an entry is a step's whole
 * output folder filed under its cache key, so a step asked again for a key the cache holds is not run.
 * Entries are checked in full before use; a corrupted one is reported, removed and recomputed. Runs sharing
 * a cache take a file lock per key, and entries appear by an atomic rename, so readers never see half of one.
 * <pre>
 * v1/entries/KEY/artifact/...       the output folder as published, metadata.json included
 * v1/entries/KEY/metadata.sha256    digest of artifact/metadata.json, which lists the digests of the rest
 * v1/locks/KEY.lock                 locked while a key is looked up, computed and stored
 * v1/tmp/                           entries being stored or removed
 * v1/digests/                       digests of input files, remembered by file identity ({@link DigestMemo})
 * </pre>
 */
public final class Cache {
    /** System property naming the cache folder, or {@value #OFF}; the build sets it to keep tests off the user's cache. */
    public static final String PROPERTY = "qsvit.cache";
    public static final String OFF = "off";
    static final String METADATA_DIGEST = "metadata.sha256";
    static final String ARTIFACT = "artifact";
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Lock NO_LOCK = () -> { };
    private static volatile Cache shared;

    /** Exclusive use of one key until released. */
    public interface Lock {
        void release();
    }

    private final Path folder; // null when disabled
    private final Consumer<String> warnings;
    private final DigestMemo memo;

    private Cache(Path folder, Consumer<String> warnings, Duration settled) {
        this.folder = folder;
        this.warnings = warnings;
        this.memo = folder == null ? null : new DigestMemo(folder.resolve("v1").resolve("digests"), settled, warnings);
    }

    /** A cache in this folder (created); {@code warnings} hears of corrupted entries, one line each. */
    public static Cache at(Path folder, Consumer<String> warnings) {
        return at(folder, warnings, DigestMemo.SETTLED);
    }

    /** With input digests remembered once a file's times are {@code settled} old (tests: zero). */
    static Cache at(Path folder, Consumer<String> warnings, Duration settled) {
        Path root = folder.toAbsolutePath().normalize();
        try {
            for (String sub : new String[] {"entries", "locks", "tmp", "digests"}) {
                Files.createDirectories(root.resolve("v1").resolve(sub));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot use cache folder " + folder + ": " + ArtifactFolder.describe(e));
        }
        return new Cache(root, warnings, settled);
    }

    /** No cache: every step runs. */
    public static Cache disabled() {
        return new Cache(null, line -> { }, Duration.ZERO);
    }

    /**
     * The user's cache: the folder in system property {@value #PROPERTY} ({@value #OFF}: none), else
     * {@code $XDG_CACHE_HOME/qsvit}, else {@code ~/.cache/qsvit}. A default folder that cannot be created is
     * reported and the run goes on without a cache.
     */
    public static Cache fromEnvironment(Consumer<String> warnings) {
        String property = System.getProperty(PROPERTY);
        if (OFF.equals(property)) {
            return disabled();
        }
        Path folder = property != null ? Path.of(property) : defaultFolder(System.getenv(), System.getProperty("user.home"));
        try {
            return at(folder, warnings);
        } catch (UserInputException e) {
            warnings.accept("qsvit: " + e.getMessage() + "; running without a cache");
            return disabled();
        }
    }

    static Path defaultFolder(Map<String, String> environment, String home) {
        String xdg = environment.get("XDG_CACHE_HOME");
        // the XDG base directory specification has relative values ignored
        Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(home, ".cache");
        return base.resolve("qsvit");
    }

    /** The cache steps publish through unless given another: set by the command line, else {@link #fromEnvironment}. */
    public static synchronized Cache shared() {
        if (shared == null) {
            shared = fromEnvironment(System.err::println);
        }
        return shared;
    }

    /**
     * Makes {@code cache} the shared one and returns the one it replaces, to put back afterwards (null: none
     * chosen yet, so {@link #shared()} reads the environment when first asked).
     */
    public static synchronized Cache share(Cache cache) {
        Cache previous = shared;
        shared = cache;
        return previous;
    }

    public boolean enabled() {
        return folder != null;
    }

    /** The cache folder, empty when disabled. */
    public Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    /** The digest of an input file; remembered while the file is unchanged, when the cache is enabled. */
    public String digestOf(Path file) {
        return memo == null ? Digests.ofFile(file) : memo.digestOf(file);
    }

    /** Waits for exclusive use of a key: a second run asking for it waits and then finds the first one's entry. */
    Lock lock(String key) {
        if (folder == null) {
            return NO_LOCK;
        }
        Path file = layout("locks").resolve(checked(key) + ".lock");
        try {
            return KeyLock.acquire(file);
        } catch (IOException e) {
            throw new UserInputException("cannot lock cache entry " + file + ": " + ArtifactFolder.describe(e));
        }
    }

    /** The output folder stored under {@code key}, checked in full; a corrupted entry is reported and removed. */
    Optional<Path> find(String key) {
        if (folder == null) {
            return Optional.empty();
        }
        Path entry = layout("entries").resolve(checked(key));
        if (!Files.isDirectory(entry)) {
            return Optional.empty();
        }
        Optional<String> problem = problem(entry, key);
        if (problem.isEmpty()) {
            return Optional.of(entry.resolve(ARTIFACT));
        }
        warnings.accept("cache entry " + key + " is corrupted; recomputing (" + problem.get() + ")");
        remove(entry);
        return Optional.empty();
    }

    /** Files a just-published output folder under its key; a failure costs a recomputation later, so it only warns. */
    void store(String key, Path artifact) {
        if (folder == null) {
            return;
        }
        Path staging = null;
        try {
            staging = Files.createTempDirectory(layout("tmp"), checked(key).substring(0, 12) + "-");
            FileLinks.linkOrCopy(artifact, staging.resolve(ARTIFACT));
            Files.writeString(staging.resolve(METADATA_DIGEST), Digests.ofFile(artifact.resolve(StepMetadata.FILE)) + "\n");
            Files.move(staging, layout("entries").resolve(key), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warnings.accept("cannot store cache entry " + key + " in " + folder + ": " + ArtifactFolder.describe(e));
        } finally {
            deleteQuietly(staging);
        }
    }

    private static Optional<String> problem(Path entry, String key) {
        Path metadata = entry.resolve(ARTIFACT).resolve(StepMetadata.FILE);
        try {
            String recorded = Files.readString(entry.resolve(METADATA_DIGEST)).strip();
            if (!Files.isRegularFile(metadata) || !recorded.equals(Digests.ofFile(metadata))) {
                return Optional.of(StepMetadata.FILE + " does not match its digest");
            }
        } catch (IOException e) {
            return Optional.of(METADATA_DIGEST + " cannot be read");
        }
        return ArtifactCheck.problem(entry.resolve(ARTIFACT), key);
    }

    /** Renamed away first, so a crash while deleting never leaves something that looks like an entry. */
    private void remove(Path entry) {
        try {
            Path trash = Files.createTempDirectory(layout("tmp"), "removed-");
            Path moved = trash.resolve("entry");
            Files.move(entry, moved, StandardCopyOption.ATOMIC_MOVE);
            deleteQuietly(trash);
        } catch (IOException e) {
            throw new UserInputException("cannot remove corrupted cache entry " + entry + ": " + ArtifactFolder.describe(e));
        }
    }

    private Path layout(String part) {
        return folder.resolve("v1").resolve(part);
    }

    private static String checked(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a cache key: " + key);
        }
        return key;
    }

    private static void deleteQuietly(Path path) {
        try {
            Folders.deleteRecursively(path);
        } catch (UncheckedIOException e) {
            // a leftover under tmp/ is never read as an entry
        }
    }
}
