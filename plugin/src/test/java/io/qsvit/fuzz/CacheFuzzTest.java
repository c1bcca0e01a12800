package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Cache;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.StepContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cache's readers on a damaged cache folder: an entry (its metadata.json, its digest file, an output file)
 * and a remembered input digest, all from the fuzzer. An entry is used only when intact, else recomputed; a
 * remembered digest is the file's true digest or is not used.
 */
class CacheFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("cache");
    static final StepContext CONTEXT = new StepContext("fuzz", 1, Map.of("p", 1), Map.of("model", "0".repeat(64)));
    static final String KEY = CONTEXT.cacheKey();
    /** An input file old enough to have its digest remembered (the memo ignores files changed in the last 2 s). */
    static final Path INPUT;

    static {
        try {
            Path folder = Files.createTempDirectory("qsvit-fuzz-input");
            INPUT = Files.writeString(folder.resolve("model.onnx"), "weights");
            Thread.sleep(2_100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "5s")
    void readDamagedEntries(byte[] input) {
        Parts data = new Parts(input);
        Path root = FILES.fresh();
        Path cacheFolder = root.resolve("cache");
        Path entry = cacheFolder.resolve("v1/entries").resolve(KEY);
        byte[] metadata = data.part();
        FuzzFiles.write(entry.resolve("artifact/metadata.json"), metadata);
        FuzzFiles.write(entry.resolve("artifact/result.txt"), data.part());
        String digestFile = data.choice(2) == 0 ? Digests.of(metadata) + "\n" : new String(data.part(), StandardCharsets.ISO_8859_1);
        FuzzFiles.write(entry.resolve("metadata.sha256"), digestFile.getBytes(StandardCharsets.UTF_8));
        // the memo of INPUT's digest, in the file the cache would read
        String memoName = Digests.of(INPUT.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        FuzzFiles.write(cacheFolder.resolve("v1/digests").resolve(memoName), data.rest());

        List<String> warnings = new ArrayList<>();
        Cache cache = Cache.at(cacheFolder, warnings::add);
        Path out = root.resolve("out");
        FuzzProperty.check(() -> ArtifactFolder.publish(out, CONTEXT, (folder, timings) -> {
            Files.writeString(folder.resolve("result.txt"), "computed");
            return Map.of("ok", true);
        }, cache), outcome -> {
            FuzzProperty.require(ArtifactFolder.problem(out).isEmpty(), "whatever is placed at --out is intact");
            FuzzProperty.require(outcome == ArtifactFolder.Outcome.WRITTEN || outcome == ArtifactFolder.Outcome.CACHED,
                    "written or restored");
        });
        FuzzProperty.check(() -> cache.digestOf(INPUT), digest ->
                FuzzProperty.require(digest.equals(Digests.ofFile(INPUT)), "a remembered digest is the file's own"));
        warnings.forEach(w -> FuzzProperty.require(!w.contains("\n"), "one-line warnings"));
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new CacheFuzzTest().readDamagedEntries(input);
    }
}
