package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.UserInputException;
import io.qsvit.cli.Qsvit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter's side of Kubeflow's launcher contract: arguments in, paths from URIs. */
class ExecutorAdapterTest {
    static CommandSpec evaluate() {
        return Qsvit.commandLine().getSubcommands().get("evaluate").getCommandSpec();
    }

    @Test
    void unsetOptionsAreLeftOutAndFlagsFollowTheirBooleans() {
        List<String> args = List.of("--model", "/m", "--limit", "", "--seed", "{{$.inputs.parameters['seed']}}",
                "--baseline", "{{$.inputs.artifacts['baseline'].path}}", "--batch", "250", "--json", "false");
        assertEquals(List.of("--model", "/m", "--batch", "250"), ExecutorAdapter.present(args, evaluate()));
        assertEquals(List.of("--json", "--model", "/m"),
                ExecutorAdapter.present(List.of("--json", "true", "--model", "/m"), evaluate()));
    }

    static JsonNode artifact(String json) {
        return ExecutorInput.parse("{\"outputs\": {}, \"a\": " + json + "}").json().get("a");
    }

    @Test
    void artifactUrisMapToTheLaunchersLocalPaths() {
        assertEquals(Path.of("/minio/mlpipeline/v2/artifacts/run/evaluate/1/evaluation"),
                ExecutorInput.localPath(artifact("{\"uri\": \"minio://mlpipeline/v2/artifacts/run/evaluate/1/evaluation\"}")));
        assertEquals(Path.of("/gcs/bucket/model"), ExecutorInput.localPath(artifact("{\"uri\": \"gs://bucket/model\"}")));
        assertEquals(Path.of("/s3/bucket/data"), ExecutorInput.localPath(artifact("{\"uri\": \"s3://bucket/data\"}")));
        assertEquals(Path.of("/oci/registry.io_org_model:1/models"),
                ExecutorInput.localPath(artifact("{\"uri\": \"oci://registry.io/org/model:1\"}")));
        assertEquals(Path.of("/work/x"), ExecutorInput.localPath(artifact("{\"uri\": \"file:///work/x\"}")));
        assertEquals(Path.of("/mnt/custom"),
                ExecutorInput.localPath(artifact("{\"uri\": \"s3://b/k\", \"customPath\": \"/mnt/custom\"}")));
        UserInputException e = assertThrows(UserInputException.class,
                () -> ExecutorInput.localPath(artifact("{\"uri\": \"relative/path\"}")));
        assertEquals("artifact URI 'relative/path' has no local path (not s3://, minio://, gs://, oci://, file: or an "
                + "absolute path)", e.getMessage());
    }

    @Test
    void executorInputMustBeKubeflows() {
        assertEquals("--executor-input is not a Kubeflow ExecutorInput (no outputs)",
                assertThrows(UserInputException.class, () -> ExecutorInput.parse("{}")).getMessage());
    }

    @Test
    void placeholdersResolveAsTheLauncherWritesThem() {
        JsonNode input = ExecutorInput.parse("""
                {"inputs": {"parameterValues": {"batch": 250, "drop": 0.01, "text": "a b", "on": true},
                            "artifacts": {"model": {"artifacts": [{"uri": "minio://b/m"}]}}},
                 "outputs": {"artifacts": {"out": {"artifacts": [{"uri": "/w/out"}]}},
                             "parameters": {"shards": {"outputFile": "/w/p/shards"}}, "outputFile": "/w/o.json"}}
                """).json();
        assertEquals("250 0.01 a b true", LocalRunner.resolve("{{$.inputs.parameters['batch']}} {{$.inputs.parameters['drop']}} "
                + "{{$.inputs.parameters['text']}} {{$.inputs.parameters['on']}}", input));
        assertEquals("/minio/b/m minio://b/m /w/out /w/p/shards",
                LocalRunner.resolve("{{$.inputs.artifacts['model'].path}} {{$.inputs.artifacts['model'].uri}} "
                        + "{{$.outputs.artifacts['out'].path}} {{$.outputs.parameters['shards'].output_file}}", input));
        assertEquals("{{$.inputs.artifacts['baseline'].path}}", LocalRunner.resolve("{{$.inputs.artifacts['baseline'].path}}", input));
    }

    static final String BASELINE_CLAUSE = IfPresent.of("baseline",
            List.of("--baseline", "{{$.inputs.artifacts['baseline'].path}}")).text();

    @Test
    void anIfPresentClauseALauncherLeftIsResolvedFromTheExecutorInput() {
        // Kubeflow before 2.17 passes IfPresent through to the container; kfp exec resolves it itself
        ExecutorInput bound = ExecutorInput.parse("""
                {"inputs": {"artifacts": {"baseline": {"artifacts": [{"uri": "minio://b/float"}]}}}, "outputs": {}}""");
        ExecutorInput unbound = ExecutorInput.parse("{\"inputs\": {\"artifacts\": {}}, \"outputs\": {}}");
        assertEquals(List.of("--model", "/m", "--baseline", "/minio/b/float"),
                ExecutorAdapter.conditionsResolved(List.of("--model", "/m", BASELINE_CLAUSE), bound));
        assertEquals(List.of("--model", "/m"), ExecutorAdapter.conditionsResolved(List.of("--model", "/m", BASELINE_CLAUSE), unbound));
    }

    @Test
    void theLocalRunnerResolvesIfPresentForArtifactsAndParameters() {
        JsonNode input = ExecutorInput.parse("""
                {"inputs": {"parameterValues": {"limit": "", "gone": null},
                            "artifacts": {"model": {"artifacts": [{"uri": "/m"}]}, "baseline": {"artifacts": []}}},
                 "outputs": {}}""").json();
        assertTrue(LocalRunner.given(input, "model"));
        assertTrue(LocalRunner.given(input, "limit")); // an empty string is a value
        assertFalse(LocalRunner.given(input, "baseline"));
        assertFalse(LocalRunner.given(input, "gone")); // null counts as absent, as in Kubeflow's driver
        assertFalse(LocalRunner.given(input, "energy_table"));
    }
}
