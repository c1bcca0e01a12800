package io.qsvit.cli;

import io.qsvit.Examples;
import io.qsvit.registry.LocalRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** push, pull and oci:// references on the command line, against a real registry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryCommandsTest {
    @TempDir
    static Path dir;

    LocalRegistry registry;
    String insecure;

    @BeforeAll
    void start() throws Exception {
        registry = LocalRegistry.plain(dir.resolve("registry"));
        insecure = "--insecure-registry=" + registry.host();
    }

    @AfterAll
    void stop() {
        registry.close();
    }

    String ref(String repositoryAndTag) {
        return "oci://" + registry.host() + "/" + repositoryAndTag;
    }

    @Test
    void aModelPushedOnceIsEvaluatedByReferenceAndPulledOnlyOnce() throws Exception {
        QsvitCliTest.Run push = QsvitCliTest.run(insecure, "push", Examples.model("sdtv2").toString(), ref("qsvit/sdtv2:1"));
        assertEquals(0, push.exit(), push.err());
        assertTrue(Pattern.compile("push: " + Pattern.quote(ref("qsvit/sdtv2:1")) + " -> sha256:[0-9a-f]{64} "
                + "\\(application/vnd\\.qsvit\\.model\\.v1, 1 files, 1710592 bytes\\)\\n").matcher(push.out()).matches(), push.out());
        String cache = dir.resolve("cache").toString();
        String[] evaluate = {insecure, "--cache-dir", cache, "evaluate", "--model", ref("qsvit/sdtv2:1"),
                "--data", Examples.subset().toString(), "--limit", "50", "--json"};
        QsvitCliTest.Run first = QsvitCliTest.run(evaluate);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().strip().matches("qsvit: --model " + Pattern.quote(ref("qsvit/sdtv2:1"))
                + " -> sha256:[0-9a-f]{64} \\(pulled\\)"), first.err());
        QsvitCliTest.Run second = QsvitCliTest.run(evaluate);
        assertTrue(second.err().strip().endsWith("(cached)"), second.err());
        assertEquals(numbers(first), numbers(second));
        // the same numbers as the local file: the input is the content, not the reference
        QsvitCliTest.Run local = QsvitCliTest.run("evaluate", "--model", Examples.model("sdtv2").toString(),
                "--data", Examples.subset().toString(), "--limit", "50", "--json");
        assertEquals(numbers(local), numbers(first));

        Path pulled = dir.resolve("pulled");
        QsvitCliTest.Run pull = QsvitCliTest.run(insecure, "pull", ref("qsvit/sdtv2:1"), pulled.toString());
        assertEquals(0, pull.exit(), pull.err());
        assertArrayEquals(Files.readAllBytes(Examples.model("sdtv2")), Files.readAllBytes(pulled.resolve("model.onnx")));
    }

    @Test
    void badReferencesUnknownTagsAndRegistryOutputsAreOneLineErrors() {
        assertOneLineError(QsvitCliTest.run(insecure, "pull", ref("qsvit/none:1"), dir.resolve("none").toString()),
                "qsvit: error: " + ref("qsvit/none:1") + " not found (unknown tag or repository; HTTP 404)");
        assertFalse(Files.exists(dir.resolve("none")));
        assertOneLineError(QsvitCliTest.run(insecure, "evaluate", "--model", ref("qsvit/none:1"), "--data",
                Examples.subset().toString()), "qsvit: error: " + ref("qsvit/none:1") + " not found (unknown tag or repository; HTTP 404)");
        assertOneLineError(QsvitCliTest.run("pull", "oci://" + registry.host() + "/Bad:1", dir.resolve("bad").toString()),
                "qsvit: error: registry reference oci://" + registry.host() + "/Bad is invalid: the repository 'Bad' must be "
                        + "lower-case path components of letters and digits separated by . _ or -");
        assertOneLineError(QsvitCliTest.run(insecure, "apply", "--model", Examples.model("sdtv2").toString(), "--setting",
                dir.resolve("x.yaml").toString(), "--out", ref("qsvit/out:1")),
                "qsvit: error: --out is a local folder, not " + ref("qsvit/out:1") + " (push it with qsvit push, or run --push)");
        assertOneLineError(QsvitCliTest.run(insecure, "push", dir.resolve("missing").toString(), ref("qsvit/x:1")),
                "qsvit: error: nothing to push: " + dir.resolve("missing") + " does not exist");
    }

    /** The measured numbers of evaluate --json (not its timing or the model's path). */
    static String numbers(QsvitCliTest.Run run) throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode json =
                (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        json.remove(java.util.List.of("seconds", "model"));
        return json.toString();
    }

    static void assertOneLineError(QsvitCliTest.Run run, String line) {
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals(line, run.err().strip());
    }
}
