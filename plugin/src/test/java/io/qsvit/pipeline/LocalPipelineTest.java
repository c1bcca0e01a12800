package io.qsvit.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.Schemas;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Cache;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.qsvit.artifact.ArtifactFolder.Outcome.CACHED;
import static io.qsvit.artifact.ArtifactFolder.Outcome.WRITTEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalPipelineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();
    Cache previous;

    @BeforeEach
    void useATemporaryCache() {
        previous = Cache.share(Cache.at(dir.resolve("cache"), warnings::add));
    }

    @AfterEach
    void restoreTheCache() {
        Cache.share(previous);
    }

    PipelineConfig config(String setting) throws IOException {
        Files.writeString(dir.resolve("setting.yaml"), setting);
        Path file = Files.writeString(dir.resolve("pipeline.yaml"), """
                schema: qsvit.pipeline/v1
                data: {limit: 40}
                batch: 20
                threads: 2
                apply: {setting: setting.yaml}
                """);
        return PipelineConfig.read(file);
    }

    List<LocalPipeline.StepRun> run(List<PipelineStep> plan, PipelineConfig config, Path out) {
        return LocalPipeline.run(plan, Examples.model("sdtv2"), Examples.subset(), config, out, run -> { });
    }

    static List<ArtifactFolder.Outcome> outcomes(List<LocalPipeline.StepRun> runs) {
        return runs.stream().map(LocalPipeline.StepRun::outcome).toList();
    }

    static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static JsonNode metadata(Path folder) throws IOException {
        return JSON.readTree(folder.resolve("metadata.json").toFile());
    }

    @Test
    void aRerunWithUnchangedInputsComesFromTheCacheForEveryStepWithTheSameBytes() throws IOException {
        PipelineConfig config = config("default: uniform8\ngroups: {stage1.downsample: uniform4}\n");
        Path out = dir.resolve("run");
        assertEquals(List.of(WRITTEN, WRITTEN), outcomes(run(PipelineSteps.plan(config), config, out)));
        Map<String, String> first = Digests.ofFiles(out);
        assertEquals(List.of("apply", "evaluate"), list(out));
        assertEquals(List.of("metadata.json", "real/model.onnx", "setting.json", "simulated/model.onnx"),
                Digests.ofFiles(out.resolve("apply")).keySet().stream().toList());

        assertEquals(List.of(CACHED, CACHED), outcomes(run(PipelineSteps.plan(config), config, out)));
        assertEquals(first, Digests.ofFiles(out));
        assertEquals(List.of(CACHED, CACHED), outcomes(run(PipelineSteps.plan(config), config, dir.resolve("elsewhere"))));
        assertEquals(first, Digests.ofFiles(dir.resolve("elsewhere")));
        assertEquals(List.of("apply", "evaluate"), list(out), "no hidden staging folders are left");
        assertEquals(List.of(), warnings);

        JsonNode evaluation = metadata(out.resolve("evaluate"));
        assertEquals(40, evaluation.at("/results/model/images").asInt());
        assertEquals(ModelDigest.of(OnnxModel.load(Examples.model("sdtv2"))), evaluation.at("/inputs/baseline").asText());
        assertEquals("uniform4", evaluation.at("/results/model/setting/groups/stage1.downsample").asText());
        assertEquals(List.of("metadata.json", "setting.json"), Schemas.assertValidArtifact(out.resolve("apply")));
        assertEquals(List.of("metadata.json"), Schemas.assertValidArtifact(out.resolve("evaluate")));
    }

    @Test
    void aChangedInputReplacesTheOutputsItChanges() throws IOException {
        Path out = dir.resolve("run");
        PipelineConfig first = config("default: uniform8\n");
        run(PipelineSteps.plan(first), first, out);
        PipelineConfig second = config("default: uniform6\n");
        assertEquals(List.of(WRITTEN, WRITTEN), outcomes(run(PipelineSteps.plan(second), second, out)));
        assertEquals("uniform6", metadata(out.resolve("evaluate")).at("/results/model/setting/default").asText());
        assertEquals("uniform6", Setting.read(out.resolve("apply/setting.json")).fallback().id());
        assertEquals(List.of("apply", "evaluate"), list(out));
    }

    @Test
    void eachStepReadsTheOutputsOfTheStepsBeforeIt() throws IOException {
        // a stand-in for explore: publishes a chosen setting, which apply must pick up from its folder
        String chosen = "{\"default\": \"uniform5\", \"groups\": {\"head\": \"float32\"}}";
        PipelineStep explore = new PipelineStep(PipelineSteps.EXPLORE, List.of(), request -> ArtifactFolder.publish(
                request.out(), new StepContext("explore", 1, Map.of(), Map.of("setting", Digests.of(chosen.getBytes()))),
                (folder, timings) -> {
                    Files.writeString(folder.resolve(PipelineSteps.CHOSEN_SETTING), chosen);
                    return Map.of();
                }));
        PipelineConfig config = PipelineConfig.read(Files.writeString(dir.resolve("p.yaml"), "data: {limit: 40}\nthreads: 2\n"));
        Path out = dir.resolve("run");
        List<LocalPipeline.StepRun> runs = run(List.of(explore, PipelineSteps.apply(PipelineSteps.EXPLORE),
                PipelineSteps.evaluate()), config, out);
        assertEquals(List.of("explore", "apply", "evaluate"), runs.stream().map(LocalPipeline.StepRun::step).toList());
        assertEquals("uniform5", Setting.read(out.resolve("apply/setting.json")).fallback().id());
        assertEquals(ModelDigest.of(OnnxModel.load(out.resolve("apply/real/model.onnx"))),
                metadata(out.resolve("evaluate")).at("/inputs/model").asText());
    }

    @Test
    void aFolderThatIsNotTheStepsOutputIsRefusedBeforeAnythingRuns() throws IOException {
        PipelineConfig config = config("default: uniform8\n");
        Path out = dir.resolve("run");
        Files.createDirectories(out.resolve("evaluate"));
        Files.writeString(out.resolve("evaluate/notes.txt"), "mine");
        String message = assertThrows(UserInputException.class, () -> run(PipelineSteps.plan(config), config, out)).getMessage();
        assertEquals(out.resolve("evaluate") + " holds something other than the output of step evaluate; "
                + "remove it or choose another --out", message);
        assertEquals(List.of("evaluate"), list(out));
        assertEquals(List.of("notes.txt"), list(out.resolve("evaluate")));
        Path file = Files.writeString(dir.resolve("file"), "not a folder");
        assertEquals("output " + file + " exists and is not a folder",
                assertThrows(UserInputException.class, () -> run(PipelineSteps.plan(config), config, file)).getMessage());
    }

    @Test
    void aFailingStepLeavesTheEarlierOutputsAndNothingHalfWritten() throws IOException {
        PipelineConfig config = config("groups: {stage9.block1: uniform8}\n");
        Path out = dir.resolve("run");
        String message = assertThrows(UserInputException.class, () -> run(PipelineSteps.plan(config), config, out)).getMessage();
        assertEquals("setting names group 'stage9.block1', which the model does not have", message.substring(0, message.indexOf(" (")));
        assertFalse(Files.exists(out), "the --out the run created is removed again, and its lock file is all that is left");
        assertEquals(List.of(".run.lock", "cache", "pipeline.yaml", "setting.yaml"), list(dir));
    }

    @Test
    void withoutASettingTheWholeMethodologyRunsAndARerunComesFromTheCache() throws IOException {
        Path file = Files.writeString(dir.resolve("search.yaml"), """
                schema: qsvit.pipeline/v1
                data: {limit: 200, seed: 3}
                batch: 100
                threads: 2
                requirement: {max_drop: 0.02}
                sensitivity: {precisions: [uniform8, uniform4]}
                """);
        PipelineConfig config = PipelineConfig.read(file);
        List<PipelineStep> plan = PipelineSteps.plan(config);
        assertEquals(List.of("sensitivity", "bounds", "explore", "apply", "evaluate"),
                plan.stream().map(PipelineStep::name).toList());
        Path out = dir.resolve("run");
        assertEquals(List.of(WRITTEN, WRITTEN, WRITTEN, WRITTEN, WRITTEN), outcomes(run(plan, config, out)));
        // apply quantized with the setting explore chose, and evaluate measured that artifact
        assertEquals(Files.readString(out.resolve("explore/setting.json")), Files.readString(out.resolve("apply/setting.json")));
        JsonNode evaluation = metadata(out.resolve("evaluate"));
        JsonNode chosen = metadata(out.resolve("explore")).at("/results/chosen");
        assertEquals(200, evaluation.at("/results/model/images").asInt());
        assertTrue(evaluation.at("/results/model/accuracy").asDouble()
                >= evaluation.at("/results/baseline/accuracy").asDouble() - 0.02 - 1e-9, evaluation.toString());
        assertEquals(chosen.at("/effective_bits").asDouble(), evaluation.at("/results/model/memory/effective_bits").asDouble(), 1e-9);
        assertEquals(List.of(CACHED, CACHED, CACHED, CACHED, CACHED), outcomes(run(plan, config, out)));
    }

    /**
     * explore.acceptance and explore.holdout reach the explore step: recorded in its results and parameters, part
     * of its cache key; the search steps before it are shared with the plain run.
     */
    @Test
    void pairedAcceptanceAndAHoldoutReachExploreAndItsCacheKey() throws IOException {
        String common = """
                schema: qsvit.pipeline/v1
                data: {limit: 160, seed: 3}
                batch: 80
                threads: 2
                requirement: {max_drop: 0.05}
                sensitivity: {precisions: [uniform8, uniform4]}
                """;
        PipelineConfig plain = PipelineConfig.read(Files.writeString(dir.resolve("plain.yaml"), common));
        PipelineConfig paired = PipelineConfig.read(Files.writeString(dir.resolve("paired.yaml"),
                common + "explore: {acceptance: paired, holdout: 60}\n"));
        List<PipelineStep> search = List.of(PipelineSteps.sensitivity(), PipelineSteps.bounds(), PipelineSteps.explore());
        assertEquals(List.of(WRITTEN, WRITTEN, WRITTEN), outcomes(run(search, plain, dir.resolve("plain"))));
        assertEquals(List.of(CACHED, CACHED, WRITTEN), outcomes(run(search, paired, dir.resolve("paired"))));

        JsonNode before = metadata(dir.resolve("plain/explore"));
        JsonNode after = metadata(dir.resolve("paired/explore"));
        assertFalse(before.at("/results/requirement").has("acceptance"));
        assertFalse(before.get("results").has("holdout"));
        assertEquals(160, before.at("/results/requirement/images").asInt());
        assertEquals("paired", after.at("/results/requirement/acceptance").asText());
        assertEquals(0.95, after.at("/results/requirement/confidence").asDouble());
        assertEquals("paired", after.at("/parameters/requirement/acceptance").asText());
        assertEquals(60, after.at("/parameters/holdout").asInt());
        // 100 images searched, the last 60 in racing order held out and reported
        assertEquals(100, after.at("/results/requirement/images").asInt());
        assertEquals(100, after.at("/results/paired_drop/images").asInt());
        assertEquals(60, after.at("/results/holdout/images").asInt());
        assertTrue(after.at("/results/paired_drop/drop_upper_bound").asDouble() <= 0.05 + 1e-12, after.toString());
        assertFalse(before.get("cache_key").asText().equals(after.get("cache_key").asText()));
    }

    @Test
    void aStepMayReadOnlyStepsThatRunBeforeIt() {
        PipelineConfig config = PipelineConfig.DEFAULTS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(List.of(PipelineSteps.evaluate()), config, dir.resolve("run")));
        assertEquals("step evaluate reads apply, which does not run before it", e.getMessage());
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void aSecondRunIntoTheSameOutFailsAtOnceAndAKilledRunsHiddenFoldersAreSwept() throws Exception {
        PipelineConfig config = config("default: uniform8\n");
        Path out = dir.resolve("run");
        Path killed = Files.createDirectories(out.resolve(".apply.next-12345/real"));
        Files.createDirectories(out.resolve("..apply.next-12345.tmp-678"));
        Files.createDirectories(out.resolve(".evaluate.old-999/output"));
        var other = java.util.concurrent.Executors.newSingleThreadExecutor();
        var held = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var holder = other.submit(() -> {
            try (io.qsvit.artifact.OutputLock lock = io.qsvit.artifact.OutputLock.acquire(out, out)) {
                held.countDown();
                release.await();
            }
            return null;
        });
        try {
            held.await();
            String message = assertThrows(UserInputException.class, () -> run(PipelineSteps.plan(config), config, out)).getMessage();
            assertEquals("output folder " + out + " is being written by another run; wait for it to finish or choose "
                    + "another --out", message);
            assertTrue(Files.isDirectory(killed), "nothing touched while the other run holds it");
        } finally {
            release.countDown();
            holder.get();
            other.shutdown();
        }
        assertEquals(List.of(WRITTEN, WRITTEN), outcomes(run(PipelineSteps.plan(config), config, out)));
        assertEquals(List.of("apply", "evaluate"), list(out));
    }
}
