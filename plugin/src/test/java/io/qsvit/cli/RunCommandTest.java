package io.qsvit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {
    @TempDir
    Path dir;

    QsvitCliTest.Run run(String... options) throws IOException {
        Files.writeString(dir.resolve("setting.yaml"), "default: uniform8\n");
        Files.writeString(dir.resolve("pipeline.yaml"), "data: {limit: 30}\nthreads: 2\napply: {setting: setting.yaml}\n");
        List<String> args = new java.util.ArrayList<>(List.of(options));
        args.addAll(List.of("run", "--model", Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(),
                "--out", dir.resolve("out").toString(), "--config", dir.resolve("pipeline.yaml").toString()));
        return QsvitCliTest.run(args.toArray(String[]::new));
    }

    static List<String> outcomes(QsvitCliTest.Run run) {
        return run.out().lines().filter(l -> (l.startsWith("apply ") || l.startsWith("evaluate ")) && !l.endsWith(" started"))
                .map(l -> l.split(" +")[0] + " " + l.split(" +")[1]).toList();
    }

    /** The cache entry whose metadata names this step. */
    Path entryOf(String step) throws IOException {
        try (Stream<Path> entries = Files.list(dir.resolve("cache/v1/entries"))) {
            for (Path entry : entries.toList()) {
                if (new ObjectMapper().readTree(entry.resolve("artifact/metadata.json").toFile()).get("step").asText().equals(step)) {
                    return entry;
                }
            }
        }
        throw new AssertionError("no cache entry for " + step);
    }

    @Test
    void aRerunComesFromTheCacheAndACorruptedEntryIsRecomputed() throws IOException {
        String cache = dir.resolve("cache").toString();
        QsvitCliTest.Run first = run("--cache-dir", cache);
        assertEquals(0, first.exit(), first.err());
        assertEquals(List.of("apply computed", "evaluate computed"), outcomes(first));
        assertTrue(Pattern.compile("(?m)^accuracy  0\\.\\d{4} on 30 images \\(baseline 0\\.\\d{4}, change [+-]0\\.\\d{4}, agreement \\d\\.\\d{4}\\)$")
                .matcher(first.out()).find(), first.out());

        QsvitCliTest.Run second = run("--cache-dir", cache);
        assertEquals(List.of("apply cached", "evaluate cached"), outcomes(second));
        assertTrue(second.out().contains(", 2 of them from the cache"), second.out());
        assertEquals("", second.err());

        // damage the cached real model only (the published copy is a hard link to it: replace it first)
        Path real = entryOf("apply").resolve("artifact/real/model.onnx");
        byte[] bytes = Files.readAllBytes(real);
        Files.delete(real);
        bytes[bytes.length / 2] ^= 1;
        Files.write(real, bytes);
        QsvitCliTest.Run third = run("--cache-dir", cache);
        assertEquals(0, third.exit(), third.err());
        assertEquals("cache entry " + entryOf("apply").getFileName() + " is corrupted; recomputing "
                + "(real/model.onnx does not match its digest)", third.err().strip());
        // apply gives the same bytes again, so evaluate's inputs are unchanged and it still comes from the cache
        assertEquals(List.of("apply computed", "evaluate cached"), outcomes(third));
    }

    @Test
    void noCacheComputesEveryStepAndLeavesTheCacheAlone() throws IOException {
        QsvitCliTest.Run run = run("--no-cache");
        assertEquals(0, run.exit(), run.err());
        assertEquals(List.of("apply computed", "evaluate computed"), outcomes(run));
        assertTrue(run.out().contains(", 0 of them from the cache"), run.out());
        assertEquals(List.of("apply computed", "evaluate computed"), outcomes(run("--no-cache")));
        assertTrue(Files.notExists(dir.resolve("cache")));
    }

    @Test
    void theCacheOptionsAreAcceptedAfterTheSubcommandToo() throws IOException {
        Files.writeString(dir.resolve("setting.yaml"), "default: uniform8\n");
        QsvitCliTest.Run run = QsvitCliTest.run("apply", "--model", Examples.model("sdtv2").toString(), "--setting",
                dir.resolve("setting.yaml").toString(), "--out", dir.resolve("a").toString(), "--cache-dir", dir.resolve("c").toString());
        assertEquals(0, run.exit(), run.err());
        QsvitCliTest.Run again = QsvitCliTest.run("--cache-dir", dir.resolve("c").toString(), "apply", "--model",
                Examples.model("sdtv2").toString(), "--setting", dir.resolve("setting.yaml").toString(), "--out", dir.resolve("b").toString());
        assertEquals("apply: restored " + dir.resolve("b") + " from the cache", again.out().strip());
    }

    @Test
    void aCacheFolderThatCannotBeCreatedIsAOneLineError() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        QsvitCliTest.Run run = run("--cache-dir", file.resolve("cache").toString());
        assertEquals(1, run.exit());
        assertEquals("qsvit: error: cannot use cache folder " + file.resolve("cache") + ": FileSystem: "
                + file.resolve("cache/v1") + ": Not a directory", run.err().strip());
    }
}
