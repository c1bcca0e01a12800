package io.qsvit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.cli.Qsvit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end example {@code examples/retraining/retrain.sh} against a real registry: the float model and
 * its quantized release are pushed, the retrained model is pulled by reference, re-quantized (warm-started
 * from the release), gated against the release and pushed under the next tag. And a gate that fails: exit 3,
 * nothing pushed.
 */
class RetrainingExampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theExampleReleasesTheRetrainedModelThroughTheRegistry() throws Exception {
        try (LocalRegistry registry = LocalRegistry.plain(dir.resolve("registry"))) {
            Path config = dir.resolve("retrain.yaml");
            Files.writeString(config, """
                    schema: qsvit.pipeline/v1
                    data: {limit: 100, seed: 1}
                    requirement: {max_drop: 0.02}
                    sensitivity: {precisions: [uniform8, uniform4]}
                    explore: {strategy: guided}
                    evaluate: {limit: 200, seed: 1}
                    threads: 2
                    gate: {max_accuracy_drop: 0.05, max_energy_increase: 1.0, max_storage_increase: 1.0}
                    """);
            Path work = dir.resolve("work");
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder script = new ProcessBuilder("bash", "examples/retraining/retrain.sh", registry.host(), work.toString())
                    .directory(Examples.root().getParent().toFile()).redirectErrorStream(true);
            script.environment().putAll(Map.of(
                    "QSVIT", java + " -cp " + System.getProperty("java.class.path") + " " + Qsvit.class.getName(),
                    "CONFIG", config.toString(),
                    "QSVIT_INSECURE_REGISTRIES", registry.host()));
            Process process = script.start();
            String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(15, TimeUnit.MINUTES));
            assertEquals(0, process.exitValue(), log);
            assertTrue(log.contains("retrain: released oci://" + registry.host() + "/qsvit/sdtv2-quantized:2"), log);
            assertTrue(log.contains("--model oci://" + registry.host() + "/qsvit/sdtv2:2 -> sha256:"), log);
            assertTrue(log.contains("gate: passed"), log);

            // the release is the whole run: pulled back, every step folder is byte-identical to the run's
            RegistryOptions options = new RegistryOptions(Set.of(registry.host()), null, null, null, List.of());
            Path pulled = dir.resolve("pulled");
            ArtifactPull.Result release = ArtifactPull.pull(registry.reference("qsvit/sdtv2-quantized:2"), pulled, options);
            assertEquals("application/vnd.qsvit.run.v1", release.artifactType());
            for (String step : List.of("sensitivity", "bounds", "explore", "apply", "evaluate", "gate")) {
                assertEquals(Digests.ofFiles(work.resolve("v2").resolve(step)), Digests.ofFiles(pulled.resolve(step)), step);
            }
            // the retrained model's run started from the release: most cells carried over, the rest raced
            JsonNode warm = JSON.readTree(work.resolve("v2/sensitivity/metadata.json").toFile()).at("/results/warm_start");
            assertEquals(20, warm.path("cells_carried_over").asInt() + warm.path("cells_raced").asInt()
                    + warm.path("cells_measured").asInt(), warm.toString());
            assertTrue(warm.path("cells_carried_over").asInt() > 0, warm.toString());
            // the inputs are content digests, not references
            JsonNode inputs = JSON.readTree(work.resolve("v2/apply/metadata.json").toFile()).path("inputs");
            assertEquals(Digests.ofFile(Examples.model("sdtv2-retrained")), inputs.path("model").asText());
        }
    }

    @Test
    void aFailedGateExitsThreeAndPushesNothing() throws Exception {
        try (LocalRegistry registry = LocalRegistry.plain(dir.resolve("registry"))) {
            Files.writeString(dir.resolve("uniform4.yaml"), "default: uniform4\n");
            Files.writeString(dir.resolve("uniform8.yaml"), "default: uniform8\n");
            Files.writeString(dir.resolve("release.yaml"), "data: {limit: 100}\nthreads: 2\napply: {setting: uniform4.yaml}\n");
            Files.writeString(dir.resolve("candidate.yaml"), "data: {limit: 100}\nthreads: 2\napply: {setting: uniform8.yaml}\n"
                    + "gate: {max_accuracy_drop: 0.5}\n");
            String insecure = "--insecure-registry=" + registry.host();
            String released = "oci://" + registry.host() + "/qsvit/gated:1";
            Run release = run(insecure, "--cache-dir", dir.resolve("cache").toString(), "run", "--model",
                    Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(), "--config",
                    dir.resolve("release.yaml").toString(), "--out", dir.resolve("release").toString(), "--push", released);
            assertEquals(0, release.exit(), release.err());

            // the same model at 8 bits stores more than the 4-bit release: the storage gate fails
            Run candidate = run(insecure, "--cache-dir", dir.resolve("cache").toString(), "run", "--model",
                    Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(), "--config",
                    dir.resolve("candidate.yaml").toString(), "--out", dir.resolve("candidate").toString(),
                    "--release", released, "--push", "oci://" + registry.host() + "/qsvit/gated:2");
            assertEquals(Qsvit.EXIT_GATE_FAILED, candidate.exit(), candidate.out() + candidate.err());
            assertTrue(candidate.out().lines().anyMatch(l -> l.startsWith("gate  stored_bytes   FAIL ")), candidate.out());
            assertTrue(candidate.out().contains("run: the release gate failed; nothing was pushed"), candidate.out());
            JsonNode gate = JSON.readTree(dir.resolve("candidate/gate/metadata.json").toFile()).path("results");
            assertEquals("failed", gate.path("verdict").asText());
            JsonNode storage = gate.path("gates").get(2);
            assertTrue(storage.path("margin").asDouble() < 0, storage.toString());
            assertTrue(Files.readString(dir.resolve("candidate/gate/report.md")).startsWith("# qsvit release gate: failed"));
            RegistryOptions options = new RegistryOptions(Set.of(registry.host()), null, null, null, List.of());
            UserInputException absent = assertThrows(UserInputException.class,
                    () -> ArtifactPull.pull(registry.reference("qsvit/gated:2"), dir.resolve("none"), options));
            assertTrue(absent.getMessage().endsWith("not found (unknown tag or repository; HTTP 404)"), absent.getMessage());

            // the push component checks the gate's verdict again
            Run push = run(insecure, "push", "--to", "oci://" + registry.host() + "/qsvit/gated:2", "--apply",
                    dir.resolve("candidate/apply").toString(), "--gate", dir.resolve("candidate/gate").toString());
            assertEquals(Qsvit.EXIT_GATE_FAILED, push.exit(), push.err());
            assertTrue(push.out().contains("push: the release gate failed; nothing was pushed"), push.out());
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Qsvit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
