package io.qsvit.artifact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheTest {
    static final StepContext CONTEXT = new StepContext("test", 1, Map.of("bits", 4), Map.of("model", "0".repeat(64)));
    static final String KEY = CONTEXT.cacheKey();

    @TempDir
    Path dir;
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger runs = new AtomicInteger();

    ArtifactFolder.Writer countingStep() {
        return step(runs::incrementAndGet);
    }

    /** A step that tells {@code onRun} when it runs, and writes a nested file, another file and a result. */
    static ArtifactFolder.Writer step(Runnable onRun) {
        return (folder, timings) -> {
            onRun.run();
            Files.createDirectories(folder.resolve("real"));
            Files.write(folder.resolve("real/model.onnx"), new byte[] {1, 2, 3, 4, 5});
            Files.writeString(folder.resolve("setting.json"), "{\"default\": \"uniform4\"}\n");
            return Map.of("params", 5);
        };
    }

    Cache cache() {
        return Cache.at(dir.resolve("cache"), warnings::add);
    }

    Path entry() {
        return dir.resolve("cache/v1/entries").resolve(KEY);
    }

    @Test
    void aHitPlacesTheStoredOutputWithoutRunningTheStep() throws IOException {
        Cache cache = cache();
        assertEquals(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.publish(dir.resolve("a"), CONTEXT, countingStep(), cache));
        assertEquals(ArtifactFolder.Outcome.CACHED, ArtifactFolder.publish(dir.resolve("b"), CONTEXT, countingStep(), cache));
        assertEquals(1, runs.get());
        for (String file : List.of("metadata.json", "real/model.onnx", "setting.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)), Files.readAllBytes(dir.resolve("b").resolve(file)), file);
            // models are hard links to the entry; other files (a model's external data among them) copies
            assertEquals(file.endsWith(".onnx"), Files.isSameFile(entry().resolve("artifact").resolve(file),
                    dir.resolve("b").resolve(file)), file + " is a hard link to the entry");
        }
        assertEquals(Digests.ofFile(dir.resolve("b/metadata.json")), Files.readString(entry().resolve("metadata.sha256")).strip());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aDisabledCacheRunsTheStepEveryTime() {
        assertEquals(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.publish(dir.resolve("a"), CONTEXT, countingStep(), Cache.disabled()));
        assertEquals(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.publish(dir.resolve("b"), CONTEXT, countingStep(), Cache.disabled()));
        assertEquals(2, runs.get());
    }

    @Test
    void everyKindOfCorruptionIsReportedRemovedAndRecomputed() throws IOException {
        Map<String, Consumer<Path>> damages = Map.of(
                "real/model.onnx does not match its digest", e -> write(e.resolve("artifact/real/model.onnx"), new byte[] {1, 2, 3, 4, 6}),
                "real/model.onnx is missing", e -> delete(e.resolve("artifact/real/model.onnx")),
                "extra.txt is not listed in metadata.json", e -> write(e.resolve("artifact/extra.txt"), new byte[] {0}),
                "metadata.json does not match its digest", e -> write(e.resolve("artifact/metadata.json"),
                        read(e.resolve("artifact/metadata.json")).replace("\"params\" : 5", "\"params\" : 6").getBytes(StandardCharsets.UTF_8)),
                "metadata.sha256 cannot be read", e -> delete(e.resolve("metadata.sha256")));
        Cache cache = cache();
        ArtifactFolder.publish(dir.resolve("first"), CONTEXT, countingStep(), cache);
        int round = 0;
        for (Map.Entry<String, Consumer<Path>> damage : damages.entrySet()) {
            warnings.clear();
            breakLinks(entry()); // damage the cached copy only, not the folders published from it
            damage.getValue().accept(entry());
            Path out = dir.resolve("out" + round++);
            assertEquals(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.publish(out, CONTEXT, countingStep(), cache), damage.getKey());
            assertEquals(List.of("cache entry " + KEY + " is corrupted; recomputing (" + damage.getKey() + ")"), warnings);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(out.resolve("real/model.onnx")));
            assertEquals(round + 1, runs.get());
            // the recomputed output replaced the entry: it is valid again
            assertEquals(ArtifactFolder.Outcome.CACHED, ArtifactFolder.publish(dir.resolve("again" + round), CONTEXT, countingStep(), cache));
            assertEquals(round + 1, runs.get());
        }
        assertEquals(List.of(), list(dir.resolve("cache/v1/tmp")), "removed entries leave nothing behind");
    }

    @Test
    void threadsPublishingTheSameKeyRunTheStepOnceAndShareOneEntry() throws Exception {
        Cache cache = cache();
        CyclicBarrier start = new CyclicBarrier(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ArtifactFolder.Outcome>> outcomes = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Path out = dir.resolve("out" + t);
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return ArtifactFolder.publish(out, CONTEXT, slow(countingStep()), cache);
                }));
            }
            List<ArtifactFolder.Outcome> ends = new ArrayList<>();
            for (Future<ArtifactFolder.Outcome> outcome : outcomes) {
                ends.add(outcome.get());
            }
            Collections.sort(ends);
            assertEquals(List.of(ArtifactFolder.Outcome.WRITTEN, ArtifactFolder.Outcome.CACHED,
                    ArtifactFolder.Outcome.CACHED, ArtifactFolder.Outcome.CACHED), ends);
        } finally {
            pool.shutdown();
        }
        assertEquals(1, runs.get());
        assertEquals(List.of(KEY), list(dir.resolve("cache/v1/entries")));
        assertEquals(List.of(), list(dir.resolve("cache/v1/tmp")));
        for (int t = 1; t < 4; t++) {
            assertEquals(Digests.ofFiles(dir.resolve("out0")), Digests.ofFiles(dir.resolve("out" + t)));
        }
        assertTrue(cache.find(KEY).isPresent());
    }

    @Test
    void processesPublishingTheSameKeyRunTheStepOnceAndShareOneEntry() throws Exception {
        Path log = dir.resolve("runs.log");
        List<Process> processes = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CachePublisher.class.getName(),
                    dir.resolve("cache").toString(), dir.resolve("out" + p).toString(), log.toString())
                    .redirectErrorStream(true).start());
        }
        List<String> printed = new ArrayList<>();
        for (Process process : processes) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, process.waitFor(), output);
            printed.add(output);
        }
        Collections.sort(printed);
        assertEquals(List.of("CACHED", "WRITTEN"), printed);
        assertEquals(List.of("ran"), Files.readAllLines(log), "the step ran in one process only");
        assertEquals(Digests.ofFiles(dir.resolve("out0")), Digests.ofFiles(dir.resolve("out1")));
        assertEquals(List.of(KEY), list(dir.resolve("cache/v1/entries")));
        assertTrue(cache().find(KEY).isPresent());
        assertEquals(List.of(), warnings);
    }

    @Test
    void inputDigestsAreRememberedUntilTheFileChanges() throws IOException {
        Cache cache = Cache.at(dir.resolve("cache"), warnings::add, Duration.ZERO);
        Path input = Files.writeString(dir.resolve("model.onnx"), "weights");
        assertEquals(Digests.ofFile(input), cache.digestOf(input));
        List<String> memos = list(dir.resolve("cache/v1/digests"));
        assertEquals(1, memos.size());
        // the remembered digest is what a second call gives: the file is not read again (a memo consistent with
        // itself is believed; writing one takes what writing the cache's entries takes)
        Path memo = dir.resolve("cache/v1/digests").resolve(memos.get(0));
        List<String> lines = Files.readAllLines(memo);
        Files.writeString(memo, DigestMemo.text(lines.get(0), "f".repeat(64)));
        assertEquals("f".repeat(64), cache.digestOf(input));
        assertEquals(List.of(), warnings);
        // a damaged memo (here: its digest edited, the checksum not) is reported, removed and the file read again
        Files.write(memo, List.of(lines.get(0), "e".repeat(64), lines.get(2)));
        assertEquals(Digests.ofFile(input), cache.digestOf(input));
        assertEquals(List.of("remembered digest of " + input + " is damaged; reading the file again"), warnings);
        assertEquals(DigestMemo.text(lines.get(0), Digests.ofFile(input)), Files.readString(memo), "remembered again");
        warnings.clear();
        Files.writeString(input, "other weights");
        assertEquals(Digests.ofFile(input), cache.digestOf(input));
        // with the real settling time a file written just now is read every time, never remembered
        Path fresh = Files.writeString(dir.resolve("fresh.onnx"), "new");
        assertEquals(Digests.ofFile(fresh), cache().digestOf(fresh));
        assertEquals(memos, list(dir.resolve("cache/v1/digests")));
    }

    @Test
    void theDefaultFolderFollowsXdgElseTheHomeFolder() {
        assertEquals(Path.of("/x/cache/qsvit"), Cache.defaultFolder(Map.of("XDG_CACHE_HOME", "/x/cache"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/qsvit"), Cache.defaultFolder(Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/qsvit"), Cache.defaultFolder(Map.of("XDG_CACHE_HOME", "relative"), "/home/u"));
    }

    @Test
    void testsNeverUseTheUsersCache() {
        assertEquals(Cache.OFF, System.getProperty(Cache.PROPERTY), "the build turns the default cache off for tests");
        assertFalse(Cache.shared().enabled());
    }

    /** Slow enough that the other publishers arrive while it runs. */
    static ArtifactFolder.Writer slow(ArtifactFolder.Writer writer) {
        return (folder, timings) -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return writer.write(folder, timings);
        };
    }

    /** Replaces every file by a copy, so a published folder linked to it keeps the original bytes. */
    static void breakLinks(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                Files.delete(f);
                Files.write(f, bytes);
            }
        }
    }

    static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
