package io.qsvit.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Publishes {@link CacheTest}'s step through a cache from a process of its own, for the test of runs in
 * separate processes: arguments are the cache folder, the output folder and a log the step appends to when it
 * runs. Prints the outcome.
 */
final class CachePublisher {
    private CachePublisher() {
    }

    public static void main(String[] args) {
        Path log = Path.of(args[2]);
        ArtifactFolder.Writer step = CacheTest.step(() -> {
            try {
                Files.writeString(log, "ran\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Thread.sleep(1000); // long enough for the other process to ask for the key meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Cache cache = Cache.at(Path.of(args[0]), System.out::println);
        System.out.println(ArtifactFolder.publish(Path.of(args[1]), CacheTest.CONTEXT, step, cache));
    }
}
