package io.qsvit.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.Folders;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Publishes a step's output folder atomically: everything is written into a hidden sibling folder, then
 * {@value StepMetadata#FILE} (with the digests of the other files), then the folder is renamed into place.
 * A crash leaves at most a hidden temporary folder, never a half artifact under the real name. Publishing
 * goes through a {@link Cache}: when it holds the step's cache key, the stored output is placed at
 * {@code out} without running the step; after a step runs, its output is stored under the key.
 */
public final class ArtifactFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** A publish writes into the hidden folder {@code .NAME.tmp-*} beside {@code NAME}. */
    static final String TEMP_INFIX = ".tmp-";

    /**
     * Writes a step's files into a (temporary) folder and returns its results for the metadata. Measurements
     * that vary from run to run (throughput) go into {@code timings}, never into results or files, so the
     * artifact stays byte-identical.
     */
    @FunctionalInterface
    public interface Writer {
        Map<String, Object> write(Path folder, Map<String, Double> timings) throws IOException;
    }

    /** How a publish ended: written now, restored from the cache, or already present with the same cache key. */
    public enum Outcome { WRITTEN, CACHED, UP_TO_DATE }

    private ArtifactFolder() {
    }

    /** Publishes through the {@linkplain Cache#shared() shared cache}. */
    public static Outcome publish(Path out, StepContext context, Writer writer) {
        return publish(out, context, writer, Cache.shared());
    }

    public static Outcome publish(Path out, StepContext context, Writer writer, Cache cache) {
        Path target = out.toAbsolutePath().normalize();
        // a second run into the same folder fails here, before any work; a run's step staging is covered by the run's
        try (OutputLock outputLock = OutputLock.covered(target) ? null : OutputLock.acquire(target, out)) {
            if (outputLock != null) {
                String temporary = "." + target.getFileName() + TEMP_INFIX;
                outputLock.sweep(name -> name.startsWith(temporary)); // left by a killed run
            }
            return publishLocked(out, target, context, writer, cache);
        }
    }

    private static Outcome publishLocked(Path out, Path target, StepContext context, Writer writer, Cache cache) {
        String key = context.cacheKey();
        Cache.Lock lock = cache.lock(key);
        try {
            if (isUpToDate(target, key, out)) { // checked under the lock: a run we waited for may have written it
                return Outcome.UP_TO_DATE;
            }
            Optional<Path> stored = cache.find(key);
            Path temp = createTemp(target, out);
            try {
                if (stored.isPresent()) {
                    FileLinks.linkOrCopy(stored.get(), temp);
                    moveIntoPlace(temp, target, out);
                    return Outcome.CACHED;
                }
                write(temp, context, writer);
                cache.store(key, temp);
                moveIntoPlace(temp, target, out);
                return Outcome.WRITTEN;
            } catch (IOException e) {
                throw new UserInputException("cannot write output folder " + out + ": " + describe(e));
            } finally {
                try {
                    Folders.deleteRecursively(temp); // after a successful move there is nothing left to delete
                } catch (UncheckedIOException e) {
                    // keep the error that got us here; a leftover hidden temporary folder is harmless
                }
            }
        } finally {
            lock.release();
        }
    }

    /**
     * The first way a published folder no longer matches its own {@value StepMetadata#FILE} (a file missing,
     * added or changed against the digests listed there), or empty when it is intact. Checks an output another
     * step consumes as the cache checks its entries.
     */
    public static Optional<String> problem(Path folder) {
        String key;
        try {
            key = JSON.readTree(folder.resolve(StepMetadata.FILE).toFile()).path("cache_key").asText("");
        } catch (IOException | RuntimeException e) {
            return Optional.of(StepMetadata.FILE + " cannot be read");
        }
        return ArtifactCheck.problem(folder, key);
    }

    private static Path createTemp(Path target, Path shownAs) {
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + TEMP_INFIX);
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                // temporary folders are private; the published artifact is readable like any other output
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return temp;
        } catch (IOException e) {
            throw new UserInputException("cannot write output folder " + shownAs + ": " + describe(e));
        }
    }

    private static void write(Path temp, StepContext context, Writer writer) throws IOException {
        long start = System.nanoTime();
        Map<String, Double> timings = new TreeMap<>();
        Map<String, Object> results = writer.write(temp, timings);
        timings.put("seconds", (System.nanoTime() - start) / 1e9);
        timings.replaceAll((name, value) -> round(value));
        StepMetadata metadata = new StepMetadata(StepMetadata.SCHEMA, context.step(), context.algorithmVersion(),
                ToolVersion.get(), context.cacheKey(), context.inputs(), context.parameters(), results,
                Digests.ofFiles(temp), Provenance.current(), timings);
        JSON.writeValue(temp.resolve(StepMetadata.FILE).toFile(), metadata);
    }

    /**
     * True when {@code out} holds an intact artifact with this cache key; an error when it holds another, or
     * this one damaged.
     */
    private static boolean isUpToDate(Path out, String cacheKey, Path shownAs) {
        if (!Files.exists(out)) {
            return false;
        }
        if (!Files.isDirectory(out)) {
            throw new UserInputException("output " + out + " exists and is not a folder");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isEmpty()) {
                return false;
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read output folder " + out + ": " + describe(e));
        }
        Path metadata = out.resolve(StepMetadata.FILE);
        String existing = null;
        try {
            JsonNode node = JSON.readTree(metadata.toFile());
            existing = node.path("cache_key").asText(null);
        } catch (IOException e) {
            // not one of our artifacts: fall through to the error below
        }
        if (cacheKey.equals(existing)) {
            ArtifactCheck.problem(out, cacheKey).ifPresent(problem -> {
                throw new UserInputException("output folder " + shownAs + " holds a damaged copy of this artifact ("
                        + problem + "); remove it");
            });
            return true;
        }
        throw new UserInputException("output folder " + shownAs + " already holds "
                + (existing == null ? "other files" : "a different artifact (cache key " + existing.substring(0, 12) + ")")
                + "; remove it or choose another --out");
    }

    private static void moveIntoPlace(Path temp, Path target, Path shownAs) throws IOException {
        if (Files.isDirectory(target)) {
            Files.delete(target); // known to be empty here
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UserInputException("cannot publish " + shownAs + " atomically on this file system");
        }
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }

}
