package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Granularity;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.Shard;
import io.qsvit.search.SweepMode;
import io.qsvit.search.SweepListener;
import io.qsvit.search.Trial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep on the real SDTv2-style model, kept small (stage groups, two precisions, 200 images: 11 cells) so
 * the several sweeps here stay fast. One uninterrupted run is the reference every other run must equal.
 */
class SensitivityStepTest {
    static final int IMAGES = 200;
    static final List<String> FILES = List.of(SensitivityMatrix.FILE, SensitivityCsv.FILE, SensitivityHeatmap.FILE);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path whole;

    @TempDir
    Path own;

    static SensitivityStep.Request request(Shard shard) {
        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, IMAGES, null);
        return new SensitivityStep.Request(Examples.model("sdtv2"), data, List.of(Scheme.parse("uniform8"), Scheme.parse("uniform4")),
                Grouping.by(Granularity.STAGE), shard, 100, 2);
    }

    /** Records what a run evaluated and what it was told; stops the run after {@code stopAfter} evaluations. */
    static final class Recorder implements SweepListener {
        final int stopAfter;
        final List<String> evaluated = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        int total;
        int resumed;

        Recorder(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public void started(int total, int done) {
            this.total = total;
            this.resumed = done;
        }

        @Override
        public void evaluated(String label, Trial trial) {
            evaluated.add(label);
            if (evaluated.size() == stopAfter) {
                throw new IllegalStateException("stopped after " + stopAfter);
            }
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    }

    @BeforeAll
    static void sweepOnce() {
        whole = dir.resolve("whole");
        Recorder recorder = new Recorder(0);
        assertEquals(ArtifactFolder.Outcome.WRITTEN, SensitivityStep.run(request(null), whole, recorder).outcome());
        assertEquals(11, recorder.evaluated.size()); // the baseline and 5 stage groups x 2 precisions
        assertEquals("float32 baseline", recorder.evaluated.get(0));
        assertEquals("stage1 at uniform8", recorder.evaluated.get(1));
    }

    static SensitivityMatrix matrix() {
        return SensitivityMatrix.read(whole);
    }

    static void assertSameOutput(Path expected, Path actual) throws IOException {
        for (String file : FILES) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)), file);
        }
        assertEquals(withoutTimings(expected), withoutTimings(actual));
    }

    static JsonNode withoutTimings(Path artifact) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(artifact.resolve("metadata.json").toFile());
        node.remove("timings");
        return node;
    }

    static int correctOf(Path model, Dataset images) {
        try (OnnxClassifier classifier = OnnxClassifier.open(model, 2)) {
            return Accuracy.topK(classifier.scores(images, 100), images, 1).correct();
        }
    }

    @Test
    void aCellEqualsAnIndependentEvaluationOfItsAppliedSetting() throws IOException {
        SensitivityMatrix matrix = matrix();
        Trial cell = matrix.trial("stage3", Scheme.parse("uniform4"));
        Setting setting = new Setting(Grouping.by(Granularity.STAGE), Scheme.FLOAT32, Map.of("stage3", Scheme.parse("uniform4")));
        assertEquals(JSON.valueToTree(setting), JSON.valueToTree(cell.setting()));
        Path file = own.resolve("setting.json");
        setting.write(file);
        ApplyStep.run(Examples.model("sdtv2"), file, own.resolve("applied"));
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
        assertEquals(correctOf(own.resolve("applied/simulated/model.onnx"), images), cell.correct());
        assertEquals(IMAGES, cell.images());
        assertEquals(cell.correct() / (double) IMAGES, cell.accuracy(), 0);
        assertEquals(correctOf(Examples.model("sdtv2"), images), matrix.baseline().correct());
        assertEquals(Setting.uniform(Grouping.by(Granularity.STAGE), Scheme.FLOAT32).groups(), matrix.baseline().setting().groups());
        assertTrue(cell.storageBytes() < matrix.baseline().storageBytes());
        assertEquals(32.0, matrix.baseline().effectiveBits(), 0);
    }

    @Test
    void theCsvHoldsTheJsonAccuracies() throws IOException {
        SensitivityMatrix matrix = matrix();
        List<String> lines = Files.readAllLines(whole.resolve(SensitivityCsv.FILE));
        assertEquals("group,kind,params,uniform8,uniform4", lines.get(0));
        assertEquals(1 + matrix.groups().size(), lines.size());
        for (int i = 0; i < matrix.groups().size(); i++) {
            SensitivityMatrix.GroupEntry g = matrix.groups().get(i);
            String[] row = lines.get(i + 1).split(",");
            assertEquals(g.name(), row[0]);
            assertEquals(g.kind().id(), row[1]);
            assertEquals(g.params(), Long.parseLong(row[2]));
            assertEquals(matrix.trial(g.name(), Scheme.parse("uniform8")).accuracy(), Double.parseDouble(row[3]), 0);
            assertEquals(matrix.trial(g.name(), Scheme.parse("uniform4")).accuracy(), Double.parseDouble(row[4]), 0);
        }
        assertEquals(List.of("stage1", "stage2", "stage3", "stage4", "head"), matrix.groups().stream().map(SensitivityMatrix.GroupEntry::name).toList());
    }

    @Test
    void theHeatmapShowsEveryCellsAccuracy() throws IOException {
        String svg = Files.readString(whole.resolve(SensitivityHeatmap.FILE));
        SensitivityMatrix matrix = matrix();
        assertTrue(svg.startsWith("<?xml"), svg.substring(0, 40));
        assertTrue(svg.contains(">stage3 (downsample)</text>"), "row label");
        assertTrue(svg.contains(String.format(Locale.ROOT, ">%.2f</text>",
                100 * matrix.trial("stage3", Scheme.parse("uniform4")).accuracy())), "cell label");
        assertTrue(svg.contains(String.format(Locale.ROOT, "float32 baseline %.2f%%", 100 * matrix.baseline().accuracy())));
    }

    @Test
    void shardsMergeIntoTheSameBytesAsOneRun() throws IOException {
        Recorder first = new Recorder(0);
        Recorder second = new Recorder(0);
        SensitivityStep.run(request(new Shard(0, 2)), own.resolve("s0"), first);
        SensitivityStep.run(request(new Shard(1, 2)), own.resolve("s1"), second);
        // groups 0, 2, 4 and 1, 3, each shard with the baseline
        assertEquals(List.of("float32 baseline", "stage1 at uniform8", "stage1 at uniform4", "stage3 at uniform8",
                "stage3 at uniform4", "head at uniform8", "head at uniform4"), first.evaluated);
        assertEquals(5, second.evaluated.size());
        assertEquals(new Shard(1, 2), SensitivityMatrix.read(own.resolve("s1")).shard());
        SensitivityStep.Result merged = SensitivityMerge.run(List.of(own.resolve("s1"), own.resolve("s0")), own.resolve("merged"));
        assertEquals(ArtifactFolder.Outcome.WRITTEN, merged.outcome());
        assertSameOutput(whole, own.resolve("merged"));
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE, SensitivityMerge.run(List.of(own.resolve("s0"), own.resolve("s1")), whole).outcome());
    }

    @Test
    void mergeRefusesIncompleteOrRepeatedShardsAndWholeRuns() {
        Recorder recorder = new Recorder(0);
        Path s0 = own.resolve("s0");
        SensitivityStep.run(request(new Shard(0, 5)), s0, recorder);
        assertEquals(3, recorder.evaluated.size());
        assertEquals("shard 0/5 is given twice: " + s0 + " and " + s0,
                assertThrows(UserInputException.class, () -> SensitivityMerge.run(List.of(s0, s0), own.resolve("m"))).getMessage());
        assertEquals("shard 1/5 is missing",
                assertThrows(UserInputException.class, () -> SensitivityMerge.run(List.of(s0), own.resolve("m"))).getMessage());
        assertEquals(whole + " is a whole sensitivity run, not a shard; there is nothing to merge",
                assertThrows(UserInputException.class, () -> SensitivityMerge.run(List.of(whole), own.resolve("m"))).getMessage());
        assertFalse(Files.exists(own.resolve("m")));
    }

    @Test
    void mergeRefusesAShardWhoseFilesNoLongerMatchItsMetadata() throws IOException {
        Path s0 = own.resolve("s0");
        Path s1 = own.resolve("s1");
        SensitivityStep.run(request(new Shard(0, 2)), s0, new Recorder(0));
        SensitivityStep.run(request(new Shard(1, 2)), s1, new Recorder(0));
        // a shard's matrix edited after it was published: still valid JSON, one accuracy changed
        Path file = s1.resolve(SensitivityMatrix.FILE);
        String text = Files.readString(file);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"accuracy\" ?: ?0\\.(\\d)").matcher(text);
        assertTrue(m.find(), text);
        String digit = m.group(1).equals("9") ? "8" : "9";
        Files.writeString(file, text.substring(0, m.start(1)) + digit + text.substring(m.end(1)));
        Path cache = own.resolve("cache");
        io.qsvit.artifact.Cache previous = io.qsvit.artifact.Cache.share(io.qsvit.artifact.Cache.at(cache, line -> { }));
        try {
            assertEquals(s1 + " is not the output qsvit sensitivity published: sensitivity.json does not match its digest",
                    assertThrows(UserInputException.class, () -> SensitivityMerge.run(List.of(s0, s1), own.resolve("m"))).getMessage());
        } finally {
            io.qsvit.artifact.Cache.share(previous);
        }
        assertFalse(Files.exists(own.resolve("m")));
        try (var entries = Files.list(cache.resolve("v1/entries"))) {
            assertEquals(0, entries.count(), "nothing stored under the key of a whole run");
        }
    }

    @Test
    void prefixReuseChangesNoByte() throws IOException {
        // the shared sweep ran with the default budget (cells through the prefix/suffix cut where it pays); with
        // no budget every cell runs the whole model, with one byte the cut keeps one batch at a time
        for (long budget : new long[]{0, 1}) {
            SensitivityStep.Request r = request(null);
            Path out = own.resolve("budget-" + budget);
            SensitivityStep.run(new SensitivityStep.Request(r.model(), r.data(), r.precisions(), r.grouping(), null,
                    r.batch(), r.threads(), null, SweepMode.FULL, null, budget), out, new Recorder(0));
            assertSameOutput(whole, out);
        }
    }

    @Test
    void aStoppedRunResumesFromItsJournalAndEndsIdentical() throws IOException {
        Path out = own.resolve("out");
        Recorder stopped = new Recorder(4);
        assertThrows(IllegalStateException.class, () -> SensitivityStep.run(request(null), out, stopped));
        assertFalse(Files.exists(out));
        Path journal = onlyJournalBeside(out);
        assertEquals(4, Files.readAllLines(journal).size());

        Recorder resumed = new Recorder(0);
        assertEquals(ArtifactFolder.Outcome.WRITTEN, SensitivityStep.run(request(null), out, resumed).outcome());
        assertEquals(11, resumed.total);
        assertEquals(4, resumed.resumed);
        List<String> all = new ArrayList<>(stopped.evaluated);
        all.addAll(resumed.evaluated);
        assertEquals(11, all.size());
        assertEquals(11, all.stream().distinct().count(), "no cell evaluated twice: " + all);
        assertTrue(resumed.warnings.isEmpty());
        assertSameOutput(whole, out);
        assertFalse(Files.exists(journal), "the journal is deleted once the output is published");
    }

    @Test
    void aCorruptedJournalLineIsReportedAndItsCellEvaluatedAgain() throws IOException {
        Path out = own.resolve("out");
        assertThrows(IllegalStateException.class, () -> SensitivityStep.run(request(null), out, new Recorder(4)));
        Path journal = onlyJournalBeside(out);
        List<String> lines = Files.readAllLines(journal);
        lines.set(1, lines.get(1).replace("\"correct\":", "\"correct\":1")); // stage1 at uniform8, altered
        Files.write(journal, lines);

        Recorder resumed = new Recorder(0);
        SensitivityStep.run(request(null), out, resumed);
        assertEquals(List.of(journal + " line 2 is corrupted; its work will be done again"), resumed.warnings);
        assertEquals(3, resumed.resumed);
        assertEquals("stage1 at uniform8", resumed.evaluated.get(0));
        assertEquals(8, resumed.evaluated.size());
        assertSameOutput(whole, out);
    }

    @Test
    void aFinishedRunIsUpToDateWithoutEvaluating() {
        Recorder recorder = new Recorder(0);
        SensitivityStep.Result again = SensitivityStep.run(request(null), whole, recorder);
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE, again.outcome());
        assertTrue(recorder.evaluated.isEmpty());
        assertEquals(matrix().baseline().correct(), again.matrix().baseline().correct());
    }

    @Test
    void findingsNameTheLowestPrecisionPerKindWithinOnePoint() {
        SensitivityMatrix matrix = matrix();
        // every stage group is a downsample group here (its first layer is one); head is its own kind
        double worstAt4 = 0;
        for (String g : List.of("stage1", "stage2", "stage3", "stage4")) {
            worstAt4 = Math.max(worstAt4, matrix.drop(g, Scheme.parse("uniform4")));
        }
        String expected = worstAt4 <= 0.01 + 1e-9 ? "uniform4" : "uniform8";
        assertEquals(expected, matrix.findings().kinds().get("downsample").lowestPrecision().id());
        assertEquals(worstAt4 <= 0.01 + 1e-9, matrix.findings().tolerate4Bits().contains("downsample"));
        assertEquals(List.of("stage1", "stage2", "stage3", "stage4"), matrix.findings().kinds().get("downsample").groups());
    }

    static Path onlyJournalBeside(Path out) throws IOException {
        try (var files = Files.list(out.getParent())) {
            List<Path> journals = files.filter(f -> f.getFileName().toString().endsWith(".journal")).toList();
            assertEquals(1, journals.size(), journals.toString());
            assertTrue(journals.get(0).getFileName().toString().startsWith("." + out.getFileName() + "."));
            return journals.get(0);
        }
    }
}
