package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.Examples;
import io.qsvit.artifact.Cache;
import io.qsvit.artifact.Digests;
import io.qsvit.cli.Qsvit;
import io.qsvit.registry.ArtifactPull;
import io.qsvit.registry.ArtifactPush;
import io.qsvit.registry.LocalRegistry;
import io.qsvit.registry.RegistryOptions;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed retraining pipeline ({@code pipeline-specs/retrain.yaml}) run by the local runner through each
 * container's command line, against a real registry: the five steps on the retrained model, the gate against a
 * release pulled by reference (its verdict as a Metrics output), and the push of the run under the next tag.
 */
class RetrainPipelineTest {
    static final Path SPEC = Specs.FOLDER.resolve("retrain.yaml");

    @TempDir
    Path dir;

    @Test
    void theRetrainingPipelineGatesAgainstTheReleaseAndPushesTheRun() throws Exception {
        try (LocalRegistry registry = LocalRegistry.plain(dir.resolve("registry"))) {
            RegistryOptions options = new RegistryOptions(Set.of(registry.host()), null, null, null, List.of());
            Files.writeString(dir.resolve("setting.yaml"), "default: uniform8\n");
            ApplyStep.run(Examples.model("sdtv2"), dir.resolve("setting.yaml"), dir.resolve("release"));
            ArtifactPush.push(dir.resolve("release"), registry.reference("qsvit/sdtv2-quantized:1"), options, null);

            String java = ProcessHandle.current().info().command().orElse("java");
            CommandMapping commands = new CommandMapping(null, ContainerImage.fromBuild().entrypoint(), List.of("env",
                    RegistryOptions.INSECURE_VARIABLE + "=" + registry.host(), java, "-D" + Cache.PROPERTY + "=" + Cache.OFF,
                    "-cp", System.getProperty("java.class.path"), Qsvit.class.getName()));
            JsonNode run = new LocalRunner(PipelineSpecs.read(SPEC), dir.resolve("work"), commands,
                    new PrintWriter(new StringWriter())).run(Map.of(
                    "model_uri", Examples.model("sdtv2-retrained").toString(),
                    "data_uri", Examples.subset().toString(),
                    "limit", "100", "max_drop", "0.02", "granularity", "stage",
                    "release", "oci://" + registry.host() + "/qsvit/sdtv2-quantized:1",
                    "max_accuracy_drop", "0.1", "max_energy_increase", "1", "max_storage_increase", "1",
                    "push_to", "oci://" + registry.host() + "/qsvit/sdtv2-quantized:2"));

            JsonNode metrics = run.at("/tasks/gate/artifacts/metrics/metadata");
            assertEquals(0, metrics.path("failed_gates").asInt(), metrics.toString());
            assertTrue(metrics.path("accuracy_margin").asDouble() >= 0, metrics.toString());
            assertTrue(metrics.has("released_stored_bytes"), metrics.toString());

            Path pulled = dir.resolve("pulled");
            ArtifactPull.Result release = ArtifactPull.pull(registry.reference("qsvit/sdtv2-quantized:2"), pulled, options);
            assertEquals("application/vnd.qsvit.run.v1", release.artifactType());
            Path applied = Path.of(run.at("/tasks/apply/artifacts/quantized_model/uri").asText());
            assertEquals(Digests.ofFiles(applied), Digests.ofFiles(pulled.resolve("apply")));
            for (String step : List.of("sensitivity", "bounds", "explore", "evaluate", "gate")) {
                assertTrue(Files.isRegularFile(pulled.resolve(step).resolve("metadata.json")), step);
            }
        }
    }
}
