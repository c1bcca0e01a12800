package io.qsvit.artifact;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An output folder is locked while a step writes it; what killed runs left beside it is swept. */
class OutputLockTest {
    @TempDir
    Path dir;

    final AtomicInteger runs = new AtomicInteger();

    ArtifactFolder.Writer step() {
        return CacheTest.step(runs::incrementAndGet);
    }

    @Test
    void aSecondRunIntoTheSameFolderFailsAtOnceWithoutDoingTheWork() throws Exception {
        Path out = dir.resolve("out");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (OutputLock first = OutputLock.acquire(out, out)) {
            Future<String> second = other.submit(() -> assertThrows(UserInputException.class,
                    () -> ArtifactFolder.publish(out, CacheTest.CONTEXT, step(), Cache.disabled())).getMessage());
            assertEquals("output folder " + out + " is being written by another run; wait for it to finish or choose "
                    + "another --out", second.get());
        } finally {
            other.shutdown();
        }
        assertEquals(0, runs.get());
        assertFalse(Files.exists(out));
        // once released, the folder is free again
        assertEquals(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.publish(out, CacheTest.CONTEXT, step(), Cache.disabled()));
        assertEquals(1, runs.get());
    }

    @Test
    void anotherProcessHoldingTheFolderIsSeenToo() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(".out.lock");
        // a shell holds the lock file with flock(1)-like semantics through Java in a child JVM
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals('L', holder.getInputStream().read()); // locked
            UserInputException e = assertThrows(UserInputException.class,
                    () -> ArtifactFolder.publish(out, CacheTest.CONTEXT, step(), Cache.disabled()));
            assertTrue(e.getMessage().contains("is being written by another run"), e.getMessage());
            assertEquals(0, runs.get());
        } finally {
            holder.destroy();
            holder.waitFor();
        }
    }

    @Test
    void temporaryFoldersOfAKilledRunAreSweptByTheNextRun() throws IOException {
        Path out = dir.resolve("out");
        Path stale = Files.createDirectories(dir.resolve(".out.tmp-4711/real"));
        Files.write(stale.resolve("model.onnx"), new byte[2_300]);
        Path otherOutputs = Files.createDirectories(dir.resolve(".other.tmp-1")); // another output's: not ours to sweep
        assertEquals(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.publish(out, CacheTest.CONTEXT, step(), Cache.disabled()));
        assertFalse(Files.exists(dir.resolve(".out.tmp-4711")));
        assertTrue(Files.isDirectory(otherOutputs));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(".other.tmp-1", ".out.lock", "out"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Holds a lock on the file given until killed; prints L once it holds it. */
    static final class LockHolder {
        public static void main(String[] args) throws Exception {
            try (var channel = java.nio.channels.FileChannel.open(Path.of(args[0]), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE); var lock = channel.lock()) {
                System.out.print('L');
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }

}
