package io.qsvit.cli;

import io.qsvit.Examples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.qsvit.cli.QsvitCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sensitivity, sensitivity-merge and bounds as a user runs them, bad inputs included. */
class MethodologyCommandsTest {
    @TempDir
    static Path dir;
    static QsvitCliTest.Run swept;

    @TempDir
    Path own;

    static String[] sensitivity(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("sensitivity", "--model", Examples.model("sdtv2").toString(),
                "--data", Examples.subset().toString(), "--limit", "200", "--granularity", "stage", "--precisions", "uniform4",
                "--threads", "2", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The arguments with an option's value replaced, or the option added. */
    static String[] with(String[] args, String option, String value) {
        List<String> list = new ArrayList<>(List.of(args));
        int at = list.indexOf(option);
        if (at < 0) {
            list.addAll(List.of(option, value));
        } else {
            list.set(at + 1, value);
        }
        return list.toArray(String[]::new);
    }

    static String[] bounds(Path out, String... requirement) {
        List<String> args = new ArrayList<>(List.of("bounds", "--sensitivity", dir.resolve("s").toString(),
                "--model", Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(), "--limit", "200",
                "--threads", "2", "--out", out.toString()));
        args.addAll(List.of(requirement));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void sweep() {
        swept = run(sensitivity(dir.resolve("s")));
        assertEquals(0, swept.exit(), swept.err());
    }

    @Test
    void sensitivityLogsOneLinePerCellAndSummarisesTheFindings() {
        List<String> log = swept.err().lines().toList();
        assertEquals(6, log.size(), swept.err());
        assertTrue(log.get(0).matches("sensitivity: 1/6 float32 baseline: accuracy 0\\.9050, ETA \\d+m\\d\\ds"), log.get(0));
        assertTrue(log.get(5).matches("sensitivity: 6/6 head at uniform4: accuracy 0\\.\\d{4}, ETA 0m00s"), log.get(5));
        assertTrue(swept.out().startsWith("sensitivity: wrote " + dir.resolve("s")
                + " (5 groups x 1 precisions, float32 baseline 0.9050)"), swept.out());
        assertTrue(swept.out().contains("  tolerate 4 bits: "), swept.out());
    }

    @Test
    void aRacedSweepPrintsHowItsCellsWereObtainedAndBoundsUseItUnderItsRequirement() throws IOException {
        QsvitCliTest.Run raced = run(with(sensitivity(own.resolve("r"), "--sweep", "raced", "--max-drop", "0.01"),
                "--precisions", "uniform8,uniform4"));
        assertEquals(0, raced.exit(), raced.err());
        java.util.regex.Matcher tally = java.util.regex.Pattern.compile("  raced sweep at thresholds 0\\.8950/0\\.8450: "
                + "(\\d+) cells measured, (\\d+) raced, (\\d+) inferred, 0 carried over; (\\d+) image evaluations").matcher(raced.out());
        assertTrue(tally.find(), raced.out());
        assertEquals(10, Integer.parseInt(tally.group(1)) + Integer.parseInt(tally.group(2)) + Integer.parseInt(tally.group(3)));
        assertTrue(Integer.parseInt(tally.group(4)) < 200 * 11, raced.out()); // a full sweep: 11 cells of 200 images
        String matrix = Files.readString(own.resolve("r/sensitivity.json"));
        assertTrue(matrix.contains("\"mode\" : \"raced\""), matrix);
        QsvitCliTest.Run b = run(new String[] {"bounds", "--sensitivity", own.resolve("r").toString(), "--model",
                Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(), "--limit", "200", "--threads", "2",
                "--out", own.resolve("b").toString(), "--max-drop", "0.01", "--sweep", "raced"});
        assertEquals(0, b.exit(), b.err());
        assertRefused("the sensitivity matrix was swept raced for thresholds 0.8950/0.8450, this requirement needs "
                + "0.8850/0.8350; sweep again with this requirement or with --sweep full", run(new String[] {"bounds",
                "--sensitivity", own.resolve("r").toString(), "--model", Examples.model("sdtv2").toString(), "--data",
                Examples.subset().toString(), "--limit", "200", "--threads", "2", "--out", own.resolve("b2").toString(),
                "--max-drop", "0.02"}));
        assertFalse(Files.exists(own.resolve("b2")));
    }

    @Test
    void boundsPrintsEachGroupAndBothBaseSettings() {
        QsvitCliTest.Run b = run(bounds(own.resolve("b"), "--max-drop", "0.01"));
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().startsWith("bounds: wrote " + own.resolve("b") + " (required accuracy 0.8950, float32 0.9050)"), b.out());
        assertTrue(b.out().lines().anyMatch(l -> l.matches("  bSettingH accuracy 0\\.\\d{4} \\(drop -?\\d+\\.\\d\\d points\\) on \\d+ images, "
                + "\\d+\\.\\d\\d effective bits: (meets|MISSES) the requirement")), b.out());
        assertTrue(Files.isRegularFile(own.resolve("b/setting-low.json")));
    }

    static void assertRefused(String message, QsvitCliTest.Run run) {
        assertEquals(1, run.exit(), run.out() + run.err());
        assertEquals("qsvit: error: " + message, run.err().strip());
    }

    @Test
    void badSweepOptionsAreOneLineErrorsAndWriteNothing() {
        Path out = own.resolve("s");
        assertRefused("--shard takes i/n (shard i of n, 0 <= i < n, e.g. 0/4), got 'first'", run(sensitivity(out, "--shard", "first")));
        assertRefused("shard 2/2 does not exist: shards of n are 0/n .. (n-1)/n", run(sensitivity(out, "--shard", "2/2")));
        assertRefused("bits out of range in 'uniform99': uniform takes 2..16 bits", run(with(sensitivity(out), "--precisions", "uniform8,uniform99")));
        assertRefused("unknown quantization scheme 'int8': expected float32, uniform<bits>[-asym][-tensor] (2..16 bits), "
                + "pow2-<bits>[-tensor] (2..8 bits) or fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]][:saturate|:wrap] (2..32 bits)", run(sensitivity(out, "--schemes", "int8")));
        assertRefused("float32 is the baseline every sweep measures; list only lower precisions", run(with(sensitivity(out), "--precisions", "float32")));
        assertRefused("precision uniform4 is listed twice", run(sensitivity(out, "--schemes", "uniform4")));
        assertRefused("unknown granularity 'blocks'; one of stage, block, module, layer", run(with(sensitivity(out), "--granularity", "blocks")));
        assertRefused("--sweep must be full or raced, got 'fast'", run(sensitivity(out, "--sweep", "fast")));
        assertRefused("--sweep raced decides cells against the requirement: give --max-drop or --target-accuracy (or --sweep full)",
                run(sensitivity(out, "--sweep", "raced")));
        assertRefused("a raced sweep is not sharded; shard a --sweep full run",
                run(sensitivity(out, "--sweep", "raced", "--max-drop", "0.01", "--shard", "0/2")));
        assertRefused("--tolerance-low (0.01) must exceed --tolerance-high (0.02): the low bound is the looser one",
                run(sensitivity(out, "--sweep", "raced", "--max-drop", "0.01", "--tolerance-high", "0.02", "--tolerance-low", "0.01")));
        assertRefused("--sweep must be full or raced, got 'all'", run(bounds(own.resolve("b"), "--max-drop", "0.01", "--sweep", "all")));
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(own.resolve("b")));
    }

    @Test
    void badBoundsInputsAreOneLineErrorsAndWriteNothing() throws IOException {
        Path out = own.resolve("b");
        assertRefused("target accuracy 0.9900 cannot be met: the float model itself reaches 0.9050 (181 of 200 images)",
                run(bounds(out, "--target-accuracy", "0.99")));
        assertRefused("give exactly one of --max-drop and --target-accuracy", run(bounds(out, "--target-accuracy", "0.8", "--max-drop", "0.01")));
        assertRefused("give exactly one of --max-drop and --target-accuracy", run(bounds(out)));
        assertRefused("--tolerance-low (0.0) must exceed --tolerance-high (0.0): the low bound is the looser one",
                run(bounds(out, "--max-drop", "0.01", "--tolerance-low", "0")));
        Path missing = own.resolve("missing");
        String[] args = with(bounds(out, "--max-drop", "0.01"), "--sensitivity", missing.toString());
        assertRefused("sensitivity folder not found: " + missing, run(args));
        Files.createDirectories(missing);
        assertRefused(missing + " holds no sensitivity.json; give the output folder of qsvit sensitivity", run(args));
        assertFalse(Files.exists(out));
    }

    @Test
    void mergeNeedsShards() {
        assertRefused(dir.resolve("s") + " is a whole sensitivity run, not a shard; there is nothing to merge",
                run("sensitivity-merge", "--shards", dir.resolve("s").toString(), "--out", own.resolve("m").toString()));
        assertFalse(Files.exists(own.resolve("m")));
    }
}
