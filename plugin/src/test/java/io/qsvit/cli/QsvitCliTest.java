package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QsvitCliTest {
    /** Exit code, standard output and standard error of one in-process run. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Qsvit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String sdtv2() {
        return Examples.model("sdtv2").toString();
    }

    @Test
    void versionIsTheProjectVersion() {
        Run run = run("--version");
        assertEquals(0, run.exit());
        assertEquals("qsvit 0.1.0", run.out().strip());
    }

    @Test
    void helpListsTheSteps() {
        Run run = run("--help");
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("evaluate"), run.out());
    }

    @Test
    void evaluateReportsTheManifestAccuracyAsJson() throws IOException {
        Run run = run("evaluate", "--model", sdtv2(), "--data", Examples.subset().toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        JsonNode manifest = new ObjectMapper().readTree(Examples.root().resolve("models/sdtv2/MANIFEST.json").toFile());
        assertEquals(2000, report.get("images").asInt());
        assertEquals(manifest.at("/accuracy_onnxruntime/bundled_subset_2000/correct").asInt(),
                report.get("correct").asInt());
        double accuracy = report.get("accuracy").asDouble();
        assertTrue(report.at("/accuracy_interval95/0").asDouble() < accuracy, run.out());
        assertTrue(report.at("/accuracy_interval95/1").asDouble() > accuracy, run.out());
        assertTrue(report.get("top5_accuracy").asDouble() > accuracy, run.out());
    }

    @Test
    void inspectShowsQsvitGroupsWithKindsAndMeasuredMacs() throws IOException {
        Run run = run("inspect", sdtv2(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(340_400, report.get("params").asLong());
        List<String> groups = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        report.get("groups").forEach(g -> {
            groups.add(g.get("name").asText());
            kinds.add(g.get("kind").asText());
        });
        assertEquals(List.of("stage1.downsample", "stage1.block1", "stage2.downsample", "stage2.block1", "stage3.downsample",
                "stage3.block1", "stage3.block2", "stage4.downsample", "stage4.block1", "head"), groups);
        assertEquals(List.of("downsample", "conv-block", "downsample", "conv-block", "downsample", "attention", "attention",
                "downsample", "attention", "head"), kinds);
        JsonNode q = report.at("/groups/5/layers/0");
        assertEquals("stage3.block1.attn.q.conv", q.get("path").asText());
        // 64x64 1x1 conv on a 4x4 map, twice (T = 2 timesteps folded into the batch): 64 * 64 * 16 * 2
        assertEquals(131_072, q.get("macs_per_image").asLong());
        // first conv: 16 x (1x3x3) on a 14x14 output, T = 2
        assertEquals(16 * 9 * 14 * 14 * 2, report.at("/groups/0/macs_per_image").asLong());
    }

    @Test
    void inspectReadsPathsFromInitializersOfTheDynamoStyleExport() throws IOException {
        Run run = run("inspect", Examples.model("spikformer").toString(), "--granularity", "module", "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        List<String> groups = new ArrayList<>();
        report.get("groups").forEach(g -> groups.add(g.get("name").asText()));
        assertEquals(List.of("patch_split.conv1.conv", "patch_split.conv2.conv", "patch_split.conv3.conv", "patch_split.rpe.conv",
                "blocks.0.attn", "blocks.0.mlp", "blocks.1.attn", "blocks.1.mlp", "head"), groups);
        assertEquals("initializer_name", report.at("/groups/4/layers/0/path_source").asText());
        assertEquals("[\"Transpose\"]", report.at("/groups/4/layers/0/via").toString());
    }

    @Test
    void applyWritesBothModelsAndIsUpToDateOnRerun(@TempDir Path dir) throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\ngroups: {stage1.downsample: uniform4}\n");
        Path out = dir.resolve("out");
        Run first = run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", out.toString());
        assertEquals(0, first.exit(), first.err());
        assertEquals("apply: wrote " + out + "\n", first.out());
        assertTrue(Files.isRegularFile(out.resolve("real/model.onnx")));
        assertTrue(Files.isRegularFile(out.resolve("simulated/model.onnx")));
        Run again = run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", out.toString());
        assertEquals("apply: " + out + " is up to date\n", again.out());
    }

    @Test
    void applyWithBadSchemeIsAOneLineError(@TempDir Path dir) throws IOException {
        Path setting = Files.writeString(dir.resolve("s.json"), "{\"default\": \"int8\"}");
        Run run = run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("out").toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertTrue(run.err().startsWith("qsvit: error: " + setting + ": default: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void missingModelIsAOneLineError() {
        Run run = run("evaluate", "--model", "no/such.onnx", "--data", Examples.subset().toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: model file not found: no/such.onnx\n", run.err());
    }

    @Test
    void fileThatIsNotOnnxIsAOneLineError(@TempDir Path dir) throws IOException {
        Path notOnnx = Files.writeString(dir.resolve("model.onnx"), "this is not a protobuf");
        Run run = run("evaluate", "--model", notOnnx.toString(), "--data", Examples.subset().toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertTrue(run.err().startsWith("qsvit: error: ONNX Runtime cannot load " + notOnnx + ": "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void imagesOfTheWrongSizeAreRejected(@TempDir Path dir) throws IOException {
        writeIdx(dir, 2, 5, 5, new byte[] {1, 2});
        Run run = run("evaluate", "--model", sdtv2(), "--data", dir.toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: " + dir + " holds 1x5x5 images (channels x height x width) but 1x28x28 are expected\n",
                run.err());
    }

    @Test
    void labelsBeyondTheModelsClassesAreRejected(@TempDir Path dir) throws IOException {
        writeIdx(dir, 2, 28, 28, new byte[] {3, 12});
        Run run = run("evaluate", "--model", sdtv2(), "--data", dir.toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: data has label 12 but the model scores only 10 classes\n", run.err());
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run run = run("evaluate", "--model", sdtv2());
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("Missing required option: '--data=<data>'"), run.err());
    }

    @Test
    void evaluateBenchmarkSuiteRunsBothBenchmarksOnFewImages() {
        Run run = run("benchmark", "--suite", "evaluate", "--model", sdtv2(), "--data", Examples.subset().toString(),
                "--limit", "20", "--batch", "10", "--threads", "1", "--repeats", "1");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("data path: " + sdtv2() + ", 20 images, batch 10, 1 threads;"), run.out());
        assertTrue(run.out().contains("\nsetting switch: " + sdtv2() + ", 10 groups, 33 layers, 340400 weights, 1 threads;"),
                run.out());
        assertFalse(run.out().contains("PyTorch"), run.out());
    }

    @Test
    void benchmarkOptionsOutsideTheirSuiteAreRefused() {
        Run pytorch = run("benchmark", "--pytorch");
        assertEquals(Qsvit.EXIT_BAD_INPUT, pytorch.exit());
        assertEquals("qsvit: error: --pytorch belongs to the evaluate suite: add --suite evaluate or --suite all\n",
                pytorch.err());
        Run limited = run("benchmark", "--suite", "all", "--pytorch", "--limit", "10");
        assertEquals("qsvit: error: --pytorch checks PyTorch against the manifest's count on all the images: leave out --limit\n",
                limited.err());
        Run repeats = run("benchmark", "--repeats", "0");
        assertEquals("qsvit: error: --repeats, --threads and --batch must be at least 1\n", repeats.err());
    }

    /** Writes a t10k IDX pair of {@code n} blank h x w images with the given labels. */
    static void writeIdx(Path dir, int n, int h, int w, byte[] labels) throws IOException {
        byte[] images = new byte[16 + n * h * w];
        images[2] = 0x08;
        images[3] = 3;
        images[7] = (byte) n;
        images[11] = (byte) h;
        images[15] = (byte) w;
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images);
        byte[] labelFile = new byte[8 + labels.length];
        labelFile[2] = 0x08;
        labelFile[3] = 1;
        labelFile[7] = (byte) labels.length;
        System.arraycopy(labels, 0, labelFile, 8, labels.length);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labelFile);
    }
}
