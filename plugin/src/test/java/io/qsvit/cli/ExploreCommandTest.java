package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.Schemas;
import io.qsvit.artifact.Cache;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Setting;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * explore on the SDTv2 reference model, grouped by stage, 300 stratified images of the bundled subset, with
 * bounds and a sensitivity matrix measured on another 300 (the fixtures SearchFixtures wrote).
 */
class ExploreCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SMALL_SPACE = "uniform2,uniform3,uniform4,uniform8,pow2-3,pow2-4";

    @TempDir
    static Path dir;
    static Path fixtures;

    @BeforeAll
    static void exploreBothWays() throws URISyntaxException {
        fixtures = Path.of(ExploreCommandTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        assertEquals(0, QsvitCliTest.run(args("guided", dir.resolve("guided"))).exit());
        assertEquals(0, QsvitCliTest.run(heterogeneous(dir.resolve("het"))).exit());
    }

    static String[] args(String strategy, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("explore", "--model", Examples.model("sdtv2").toString(),
                "--data", Examples.subset().toString(), "--limit", "300", "--seed", "3",
                "--bounds", fixtures.resolve("bounds").toString(), "--sensitivity", fixtures.resolve("sensitivity").toString(),
                "--strategy", strategy, "--racing", "100", "--threads", "2", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    static String[] heterogeneous(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(args("heterogeneous", out, "--probe-images", "100", "--space", SMALL_SPACE)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    static List<JsonNode> trials(Path out) throws IOException {
        List<JsonNode> trials = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("trials.jsonl"))) {
            trials.add(JSON.readTree(line));
        }
        return trials;
    }

    static JsonNode results(Path out) throws IOException {
        return JSON.readTree(out.resolve("metadata.json").toFile()).get("results");
    }

    @Test
    void guidedKeepsOnlyMovesThatMeetTheRequirementAndEndsAtTheLastOne() throws IOException {
        JsonNode results = results(dir.resolve("guided"));
        double required = results.at("/requirement/required_accuracy").asDouble();
        assertEquals(265.0 / 300 - 0.02, required, 1e-12);
        List<JsonNode> trials = trials(dir.resolve("guided"));
        assertEquals("float", trials.get(0).get("role").asText());
        assertEquals(265, trials.get(0).get("correct").asInt());
        assertEquals("start", trials.get(1).get("role").asText());
        JsonNode current = trials.get(1);
        int moves = 0;
        for (JsonNode t : trials.subList(2, trials.size())) {
            assertEquals("move", t.get("role").asText());
            moves++;
            JsonNode before = current.at("/setting/groups");
            JsonNode after = t.at("/setting/groups");
            String group = t.get("group").asText();
            List<String> changed = new ArrayList<>();
            after.fieldNames().forEachRemaining(g -> {
                if (!after.get(g).equals(before.get(g))) {
                    changed.add(g);
                }
            });
            assertEquals(List.of(group), changed, "a move changes its own group only");
            boolean accepted = t.get("verdict").asText().equals("accepted");
            if (accepted) {
                assertEquals(300, t.get("images").asInt());
                assertTrue(t.get("accuracy").asDouble() >= required, t.toString());
                current = t;
            } else if (t.get("verdict").asText().equals("rejected")) {
                assertTrue(t.get("accuracy").asDouble() < required, t.toString());
            } else {
                assertEquals("rejected-early", t.get("verdict").asText());
                assertTrue(t.at("/accuracy_interval95/1").asDouble() < required, t.toString());
            }
        }
        assertEquals(3, moves);
        assertEquals(current.get("index").asInt(), results.at("/chosen/index").asInt());
        assertEquals(261, results.at("/chosen/correct").asInt());
        assertTrue(results.get("requirement_met").asBoolean());
        assertEquals(JSON.readTree(dir.resolve("guided/setting.json").toFile()), current.get("setting"));
    }

    @Test
    void aBSettingHThatMissesTheRequirementIsRepairedByRaisingGroupsFirst() throws IOException {
        Path bounds = Files.createDirectories(dir.resolve("collapsing-bounds"));
        Files.copy(fixtures.resolve("bounds/bounds.json"), bounds.resolve("bounds.json"));
        String high = Files.readString(fixtures.resolve("bounds/setting-high.json")).replace("\"stage1\" : \"uniform8\"",
                "\"stage1\" : \"uniform2\"");
        Files.writeString(bounds.resolve("setting-high.json"), high);
        Files.writeString(bounds.resolve("setting-low.json"), high);
        Path out = dir.resolve("repaired");
        QsvitCliTest.Run run = QsvitCliTest.run(replace(args("guided", out), fixtures.resolve("bounds").toString(),
                bounds.toString()));
        assertEquals(0, run.exit(), run.err());
        List<JsonNode> trials = trials(out);
        assertEquals(List.of("float", "start", "raise"), trials.subList(0, 3).stream().map(t -> t.get("role").asText()).toList());
        assertNotEquals("accepted", trials.get(1).get("verdict").asText(), "stage1 at 2 bits collapses");
        // stage1's uniform2 is not in the matrix, so it counts as the most sensitive: raised first, to uniform4
        assertEquals("stage1", trials.get(2).get("group").asText());
        assertEquals("uniform4", trials.get(2).at("/setting/groups/stage1").asText());
        JsonNode last = trials.get(trials.size() - 1);
        assertEquals("accepted", last.get("verdict").asText());
        assertEquals(last.get("index").asInt(), results(out).at("/chosen/index").asInt());
        assertTrue(results(out).get("requirement_met").asBoolean());
        assertTrue(trials.stream().allMatch(t -> List.of("float", "start", "raise").contains(t.get("role").asText())),
                "raised groups stay, the others are at their low bound already");
    }

    @Test
    void theChosenSettingsAccuracyIsWhatOnnxRuntimeGivesForTheAppliedModel() throws IOException {
        Dataset images = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, 300, 3L)
                .load(null);
        for (String strategy : List.of("guided", "het")) {
            Path applied = dir.resolve(strategy + "-applied");
            ApplyStep.run(Examples.model("sdtv2"), dir.resolve(strategy).resolve("setting.json"), applied);
            JsonNode chosen = results(dir.resolve(strategy)).get("chosen");
            for (String form : List.of("simulated", "real")) {
                try (OnnxClassifier classifier = OnnxClassifier.open(applied.resolve(form).resolve("model.onnx"), 2)) {
                    Accuracy top1 = Accuracy.topK(classifier.scores(images, 100), images, 1);
                    assertEquals(chosen.get("correct").asInt(), top1.correct(), strategy + " " + form);
                    assertEquals(chosen.get("images").asInt(), top1.total());
                }
            }
        }
    }

    @Test
    void heterogeneousChoosesTheFirstCandidateThatMeetsTheRequirementOnAllImages() throws IOException {
        JsonNode results = results(dir.resolve("het"));
        double required = results.at("/requirement/required_accuracy").asDouble();
        List<JsonNode> candidates = trials(dir.resolve("het")).stream()
                .filter(t -> t.get("role").asText().equals("candidate")).toList();
        JsonNode last = candidates.get(candidates.size() - 1);
        assertEquals("accepted", last.get("verdict").asText());
        candidates.subList(0, candidates.size() - 1).forEach(t -> assertNotEquals("accepted", t.get("verdict").asText()));
        assertEquals(last.get("index").asInt(), results.at("/chosen/index").asInt());
        assertTrue(results.at("/chosen/accuracy").asDouble() >= required);
        assertEquals(300, results.at("/chosen/images").asInt());
        // it saves more accounted memory than guided's choice on the same images
        assertTrue(results.at("/chosen/memory_saving_vs_float32").asDouble()
                > results(dir.resolve("guided")).at("/chosen/memory_saving_vs_float32").asDouble());
        // probes quantize one group and run on the first 100 images
        trials(dir.resolve("het")).stream().filter(t -> t.get("role").asText().equals("probe")).forEach(t -> {
            assertEquals(100, t.get("images").asInt(), t.toString());
            assertEquals(1, t.at("/setting/groups").size());
        });
    }

    @Test
    void everyDocumentFollowsItsSchema() {
        for (String strategy : List.of("guided", "het")) {
            assertEquals(List.of("metadata.json", "pareto.json", "setting.json", "trials.jsonl"),
                    Schemas.assertValidArtifact(dir.resolve(strategy)));
        }
    }

    @Test
    void theSameInputsGiveTheSameFiles() throws IOException {
        Path again = dir.resolve("het-again");
        assertEquals(0, QsvitCliTest.run(heterogeneous(again)).exit());
        for (String file : List.of("setting.json", "trials.jsonl", "pareto.json", "pareto.svg")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("het").resolve(file)), Files.readAllBytes(again.resolve(file)), file);
        }
        ObjectNode first = (ObjectNode) JSON.readTree(dir.resolve("het/metadata.json").toFile());
        ObjectNode second = (ObjectNode) JSON.readTree(again.resolve("metadata.json").toFile());
        first.remove("timings");
        second.remove("timings");
        assertEquals(first, second);
        assertTrue(QsvitCliTest.run(heterogeneous(again)).out().contains("is up to date"));
    }

    @Test
    void aKilledRunResumesFromItsJournalAndEndsWithTheSameResult() throws Exception {
        Path out = dir.resolve("killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Cache.PROPERTY + "=" + Cache.OFF, "-cp", System.getProperty("java.class.path"), Qsvit.class.getName()));
        command.addAll(List.of(args("guided", out)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path journal = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && (journal == null || Files.readAllLines(journal).size() < 3)) {
            Thread.sleep(50);
            journal = journalOf("killed");
        }
        process.destroyForcibly().waitFor(); // SIGKILL
        assertFalse(Files.exists(out), "the run was killed before it published");
        int done = Files.readAllLines(journal).size();
        assertTrue(done >= 3, "journal lines " + done);

        QsvitCliTest.Run resumed = QsvitCliTest.run(args("guided", out));
        assertEquals(0, resumed.exit(), resumed.err());
        for (String file : List.of("setting.json", "trials.jsonl", "pareto.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("guided").resolve(file)), Files.readAllBytes(out.resolve(file)), file);
        }
        assertEquals(results(dir.resolve("guided")).get("images_evaluated"), results(out).get("images_evaluated"));
        assertEquals(null, journalOf("killed"), "the journal is removed once the artifact is published");
    }

    static Path journalOf(String out) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("." + out + ".explore-")).findFirst().orElse(null);
        }
    }

    @Test
    void aBudgetCapsEffectiveBitsAndTheMostAccurateSettingWithinItIsChosen() throws IOException {
        Path out = dir.resolve("budget");
        assertEquals(0, QsvitCliTest.run(heterogeneous(out, "--budget-bits", "3.5")).exit());
        JsonNode results = results(out);
        assertTrue(results.at("/chosen/effective_bits").asDouble() <= 3.5, results.toString());
        Setting chosen = Setting.read(out.resolve("setting.json"));
        ModelLayers layers = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), chosen.grouping());
        assertEquals(chosen.memory(layers).effectiveBits(), results.at("/chosen/effective_bits").asDouble(), 1e-12);
        assertTrue(results.get("requirement_met").asBoolean());
        trials(out).stream().filter(t -> t.get("role").asText().equals("candidate"))
                .forEach(t -> assertTrue(t.get("effective_bits").asDouble() <= 3.5, t.toString()));
        assertEquals(JSON.readTree(out.resolve("setting.json").toFile()), results.at("/chosen/setting"));
    }

    @Test
    void anImpossibleRequirementIsOneLineWithTheFloatAccuracyAndLeavesNothing() throws IOException {
        Path out = dir.resolve("impossible");
        QsvitCliTest.Run run = QsvitCliTest.run(args("guided", out, "--target-accuracy", "0.95"));
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: the requirement cannot be met: accuracy 0.9500 is required on the 300 exploration "
                + "images and even the float model reaches only 0.8833; closest setting found: float32 for every "
                + "group (0.8833)\n", run.err());
        assertFalse(Files.exists(out));
        assertEquals(null, journalOf("impossible"));
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertEquals("qsvit: error: unknown strategy 'greedy'; one of guided, heterogeneous\n",
                QsvitCliTest.run(args("greedy", dir.resolve("x"))).err());
        assertEquals("qsvit: error: a budget applies to the heterogeneous strategy only\n",
                QsvitCliTest.run(args("guided", dir.resolve("x"), "--budget-bits", "4")).err());
        assertEquals("qsvit: error: --racing takes image counts separated by commas, or off; got '100,x'\n",
                QsvitCliTest.run(replace(args("guided", dir.resolve("x")), "100", "100,x")).err());
        assertEquals("qsvit: error: --max-drop and --target-accuracy exclude each other\n",
                QsvitCliTest.run(args("guided", dir.resolve("x"), "--max-drop", "0.01", "--target-accuracy", "0.8")).err());
        assertEquals("qsvit: error: bounds folder " + fixtures + " has no bounds.json\n",
                QsvitCliTest.run(replace(args("guided", dir.resolve("x")), fixtures.resolve("bounds").toString(),
                        fixtures.toString())).err());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    static String[] replace(String[] args, String from, String to) {
        return Stream.of(args).map(a -> a.equals(from) ? to : a).toArray(String[]::new);
    }
}
