package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.cli.Qsvit;
import io.qsvit.search.SensitivityMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five-step pipeline with its sensitivity fan-out, compiled from the step commands (stand-ins for those not
 * merged yet, see {@link StubSteps}), validated, and run through the local runner; the final metrics equal
 * {@code qsvit evaluate} of the setting explore chose.
 */
class FullPipelineTest {
    static final int SHARDS = 2;

    @TempDir
    static Path dir;
    static ObjectNode spec;
    static JsonNode run;

    @BeforeAll
    static void compileAndRun() throws IOException {
        spec = Specs.parse(Specs.compile(StubSteps.root(), SpecCompiler.PIPELINE));
        Map<String, String> parameters = new TreeMap<>(Map.of("model_uri", Examples.model("sdtv2").toString(),
                "data_uri", Examples.subset().toString(), "limit", "" + Runs.IMAGES, "shards", "" + SHARDS));
        if (spec.at("/root/inputDefinitions/parameters").has("max_drop")) {
            parameters.put("max_drop", "0.02");
        }
        run = new LocalRunner(spec, dir.resolve("work"), Runs.javaMain(StubSteps.class), new PrintWriter(new StringWriter()))
                .run(parameters);
    }

    @Test
    void theSpecPassesTheValidator() {
        assertEquals(List.of(), new SpecValidator(spec).problems());
    }

    @Test
    void theSweepFansOutOverThePlannedShardsAndMergesTheirList() {
        JsonNode loop = spec.at("/root/dag/tasks/for-loop-1");
        assertEquals("pipelinechannel--shard-plan-shards", loop.at("/parameterIterator/items/inputParameter").asText());
        assertEquals("pipelinechannel--shard-plan-shards-loop-item", loop.at("/parameterIterator/itemInput").asText());
        assertEquals(SpecCompiler.DEFAULT_PARALLELISM, loop.at("/iteratorPolicy/parallelismLimit").asInt());
        assertEquals("[\"import-data\",\"import-model\",\"shard-plan\"]", loop.get("dependentTasks").toString());
        assertEquals("pipelinechannel--shard-plan-shards-loop-item",
                spec.at("/components/comp-for-loop-1/dag/tasks/sensitivity/inputs/parameters/shard/componentInputParameter").asText());
        assertEquals("{\"outputArtifactKey\":\"pipelinechannel--sensitivity-sensitivity\",\"producerTask\":\"for-loop-1\"}",
                spec.at("/root/dag/tasks/sensitivity-merge/inputs/artifacts/shards/taskOutputArtifact").toString());
        assertTrue(spec.at("/components/comp-for-loop-1/outputDefinitions/artifacts/pipelinechannel--sensitivity-sensitivity/isArtifactList").asBoolean());
        assertTrue(spec.at("/components/comp-sensitivity-merge/inputDefinitions/artifacts/shards/isArtifactList").asBoolean());
        assertEquals("{\"defaultValue\":4,\"description\":\"Parts the sensitivity sweep is split into, each a pod of its own.\","
                + "\"isOptional\":true,\"parameterType\":\"NUMBER_INTEGER\"}", spec.at("/root/inputDefinitions/parameters/shards").toString());
    }

    @Test
    void everyStepReadsTheSameDataOptions() {
        List<String> prefixedLimits = new ArrayList<>();
        spec.at("/root/inputDefinitions/parameters").fieldNames().forEachRemaining(name -> {
            if (name.endsWith("_limit") && !name.equals("calibration_limit")) { // apply's own data, not the steps'
                prefixedLimits.add(name);
            }
        });
        assertEquals(List.of(), prefixedLimits);
        for (String task : List.of("bounds", "explore", "evaluate")) {
            assertEquals("limit", spec.at("/root/dag/tasks/" + task + "/inputs/parameters/limit/componentInputParameter").asText());
        }
        assertEquals("pipelinechannel--limit",
                spec.at("/components/comp-for-loop-1/dag/tasks/sensitivity/inputs/parameters/limit/componentInputParameter").asText());
    }

    @Test
    void eachShardRanAndTheMergeGotAllOfThem() {
        for (int i = 0; i < SHARDS; i++) {
            assertTrue(run.at("/tasks/for-loop-1~1" + i + "~1sensitivity/artifacts/sensitivity/uri").isTextual(), run.toString());
        }
        assertEquals("[\"0/2\",\"1/2\"]", run.at("/tasks/shard-plan/parameters/shards").toString());
        if (Qsvit.commandLine().getSubcommands().containsKey("sensitivity-merge")) {
            SensitivityMatrix merged = SensitivityMatrix.read(Path.of(run.at("/tasks/sensitivity-merge/artifacts/sensitivity/uri").asText()));
            assertNull(merged.shard());
            assertEquals(merged.groups().size(), merged.cells().size()); // every group, from one shard or the other
        } else {
            assertEquals(SHARDS, run.at("/tasks/sensitivity-merge/artifacts/metrics/metadata/shards").asInt());
        }
    }

    @Test
    void theFinalMetricsAreQsvitEvaluatesOfTheChosenSetting() {
        Path exploration = Path.of(run.at("/tasks/explore/artifacts/exploration/uri").asText());
        JsonNode direct = Runs.evaluateDirectly(Runs.applyDirectly(exploration, dir.resolve("direct")));
        JsonNode metrics = run.at("/tasks/evaluate/artifacts/metrics/metadata");
        assertEquals(Runs.IMAGES, metrics.get("images").asInt());
        assertEquals(direct.get("accuracy").asDouble(), metrics.get("accuracy").asDouble());
        assertEquals(direct.get("agreement").asDouble(), metrics.get("agreement").asDouble());
    }
}
