package io.qsvit.bench;

import io.qsvit.Examples;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the evaluation benchmarks runnable on a few images; their numbers are only meaningful run by hand. */
class EvaluateBenchmarksTest {
    private static final Dataset IMAGES = Datasets.open(Examples.subset(), DatasetSpec.detect()).first(40);

    private static Workload workload(Path model) {
        return new Workload(model, Examples.subset(), IMAGES, 1, 20, 1);
    }

    /** Seconds and images/s of a throughput row; images/s must be the images over the median time. */
    private static double checkedThroughput(String report, String row) {
        Matcher m = Pattern.compile("  " + Pattern.quote(row) + " +median (\\d+\\.\\d{3}) s +(\\d+) images/s").matcher(report);
        assertTrue(m.find(), row + " missing from\n" + report);
        double seconds = Double.parseDouble(m.group(1));
        int throughput = Integer.parseInt(m.group(2));
        // seconds are printed to the millisecond, images/s from the unrounded time
        assertTrue(throughput >= IMAGES.size() / (seconds + 0.0005) - 1 && throughput <= IMAGES.size() / (seconds - 0.0005) + 1,
                row + ": " + throughput + " images/s does not fit " + seconds + " s\n" + report);
        return seconds;
    }

    private static String run(Benchmark benchmark) throws Exception {
        StringWriter out = new StringWriter();
        benchmark.run(new PrintWriter(out));
        return out.toString();
    }

    @FunctionalInterface
    private interface Benchmark {
        void run(PrintWriter out) throws Exception;
    }

    @Test
    void dataPathPrintsQsvitNextToBareOnnxRuntime() throws Exception {
        String report = run(out -> DataPathBenchmark.run(workload(Examples.model("sdtv2")), out));
        assertTrue(report.startsWith("data path: " + Examples.model("sdtv2") + ", 40 images, batch 20, 1 threads; "
                + "medians of 1 turns after a warm-up\n"), report);
        checkedThroughput(report, DataPathBenchmark.BARE);
        for (String row : new String[] {DataPathBenchmark.BARE_PLAIN_CONV, DataPathBenchmark.SESSION, DataPathBenchmark.FIXED_SESSION, DataPathBenchmark.CLASSIFIER}) {
            checkedThroughput(report, row);
            assertTrue(Pattern.compile(Pattern.quote(row) + ".* \\d+\\.\\d{3}x bare").matcher(report).find(), report);
        }
        assertTrue(report.contains("x no-NCHWc bare"), report);
    }

    @Test
    void switchIsComparedWithEvaluatingAndWithANewSession() throws Exception {
        String report = run(out -> SwitchBenchmark.run(workload(Examples.model("sdtv2")), out));
        assertTrue(report.startsWith("setting switch: " + Examples.model("sdtv2") + ", 10 groups, 33 layers, 340400 weights, "
                + "1 threads; medians of 1 turns after a warm-up\n"), report);
        for (String row : new String[] {SwitchBenchmark.SWITCH, "evaluate 40 images", SwitchBenchmark.NEW_SESSION}) {
            assertTrue(Pattern.compile("  " + Pattern.quote(row) + " +median +\\d+\\.\\d\\d ms\n").matcher(report).find(), report);
        }
        assertTrue(Pattern.compile("  switch / evaluate 40 images +\\d+\\.\\d\\d% \\(median over turns; target < 5%\\)\n"
                + "  switch / new session +\\d+\\.\\d\\d%\n").matcher(report).find(), report);
    }

    @Test
    void pytorchIsSkippedWithTheReasonWithoutPython() throws Exception {
        Path python = Path.of("/nonexistent/python3");
        String report = run(out -> PytorchBenchmark.run(workload(Examples.model("sdtv2")), python, out));
        assertTrue(report.endsWith("\n  skipped: /nonexistent/python3 not found\n"), report);
    }

    @Test
    void pytorchIsSkippedWithTheReasonWithoutCheckpoint(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("models/copy")).resolve("model.onnx");
        Files.copy(Examples.model("sdtv2"), model);
        Files.copy(Examples.root().resolve("models").resolve(PytorchBenchmark.SCRIPT), dir.resolve("models").resolve(PytorchBenchmark.SCRIPT));
        String report = run(out -> PytorchBenchmark.run(workload(model), PytorchBenchmark.PYTHON, out));
        assertTrue(report.endsWith("\n  skipped: no checkpoint.pt beside the model\n"), report);
    }
}
