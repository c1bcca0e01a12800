package io.qsvit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.artifact.Digests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the README's "byte-identical" means, checked: computed twice (no cache), every file of apply's and
 * evaluate's output is the same bytes, except metadata.json, whose only difference is {@code timings}.
 */
class ByteIdenticalOutputsTest {
    @TempDir
    Path dir;

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void modelsAndResultsAreTheSameBytesOnlyTimingsDiffer() throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform4\ngroups: {head: pow2-4}\n");
        for (String run : List.of("a", "b")) {
            assertEquals(0, QsvitCliTest.run("--no-cache", "apply", "--model", Examples.model("sdtv2").toString(), "--setting",
                    setting.toString(), "--out", dir.resolve(run + "/apply").toString()).exit());
            assertEquals(0, QsvitCliTest.run("--no-cache", "evaluate", "--model", dir.resolve(run + "/apply").toString(),
                    "--baseline", Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(), "--limit", "50",
                    "--threads", "2", "--out", dir.resolve(run + "/evaluate").toString()).exit());
        }
        for (String step : List.of("apply", "evaluate")) {
            Map<String, String> a = Digests.ofFiles(dir.resolve("a").resolve(step));
            Map<String, String> b = Digests.ofFiles(dir.resolve("b").resolve(step));
            assertEquals(a.keySet(), b.keySet());
            for (String file : a.keySet()) {
                if (!file.equals("metadata.json")) {
                    assertEquals(a.get(file), b.get(file), step + "/" + file);
                }
            }
            ObjectNode first = (ObjectNode) JSON.readTree(dir.resolve("a").resolve(step).resolve("metadata.json").toFile());
            ObjectNode second = (ObjectNode) JSON.readTree(dir.resolve("b").resolve(step).resolve("metadata.json").toFile());
            first.remove("timings");
            second.remove("timings");
            assertEquals(first, second, step + ": metadata.json apart from timings");
        }
    }
}
