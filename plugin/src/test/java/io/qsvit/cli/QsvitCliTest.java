package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.qsvit.Examples;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** What a fixed-point format loses per group: SDTv2's weights reach 4.36, so q0.7 saturates, q3.4 only zeroes. */
    @Test
    void inspectCountsWhatASchemeOverflowsAndZeroes() throws IOException {
        Run run = run("inspect", sdtv2(), "--json", "--scheme", "fixed8:q3.4:truncate");
        assertEquals(0, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals("fixed8:q3.4:truncate", report.get("scheme").asText());
        assertEquals("{\"params\":340400,\"overflowed\":0,\"zeroed\":62196,\"max_abs\":4.3569326}",
                report.at("/losses/total").toString());
        assertEquals(19704, report.at("/losses/stage4.downsample/zeroed").asLong());
        run = run("inspect", sdtv2(), "--json", "--scheme", "fixed8:q0.7:wrap");
        report = new ObjectMapper().readTree(run.out());
        assertEquals(890, report.at("/losses/total/overflowed").asLong());
        assertEquals(8922, report.at("/losses/total/zeroed").asLong());
        assertEquals(282, report.at("/losses/stage1.block1/overflowed").asLong());
        run = run("inspect", sdtv2(), "--scheme", "fixed8:q3.44");
        assertEquals(1, run.exit());
        assertEquals("qsvit: error: format q3.44 does not fit 'fixed8:q3.44': 1 sign bit + 3 integer bits + 44 "
                + "fraction bits make 48, not 8", run.err().strip());
        assertEquals("", run.out());
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
        // prepared: the Linear weight behind its Transpose is stored as the MatMul reads it, BN folded into it
        assertEquals("[]", report.at("/groups/4/layers/0/via").toString());
        assertEquals(12, report.at("/preparation/batchnorm_folded").size());
        assertEquals(12, report.at("/preparation/weights_laid_out").asInt()); // the 12 Linear weights; the head's is Gemm's
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
    void inspectListsARealArtifactLikeItsFloatModel(@TempDir Path dir) throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform4\ngroups: {stage3.block1: pow2-4, head: float32}\n");
        assertEquals(0, run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("out").toString(),
                "--runtime", "ort-cpu").exit());
        Run real = run("inspect", dir.resolve("out/real").toString(), "--json"); // integer kernels read as their float layers
        assertEquals(0, real.exit(), real.err());
        JsonNode fromReal = new ObjectMapper().readTree(real.out());
        JsonNode fromFloat = new ObjectMapper().readTree(run("inspect", sdtv2(), "--json").out());
        assertEquals(18, fromReal.get("opset").asInt()); // packed 4-bit codes: the bitwise operators of 18
        assertEquals(fromFloat.get("params"), fromReal.get("params"));
        assertEquals(fromFloat.get("macs_per_image"), fromReal.get("macs_per_image"));
        assertEquals(fromFloat.get("groups"), fromReal.get("groups")); // 33 layers in 10 groups, every field alike
        assertEquals(10, fromReal.get("groups").size());
    }

    @Test
    void applyRefusesAnUnknownRuntime(@TempDir Path dir) throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\n");
        Run run = run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("out").toString(),
                "--runtime", "gpu");
        assertEquals(1, run.exit());
        assertEquals("qsvit: error: unknown runtime 'gpu'; choose one of portable, ort-cpu", run.err().strip());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void applyWithDjlServingMakesServableFolders(@TempDir Path dir) throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\n");
        Path out = dir.resolve("out");
        Run run = run("apply", "--djl-serving", "--model", sdtv2(), "--setting", setting.toString(), "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        for (String form : List.of("real", "simulated")) {
            List<String> properties = Files.readAllLines(out.resolve(form).resolve("serving.properties"));
            assertEquals(List.of("engine=OnnxRuntime", "translator=io.qsvit.djl.ImageClassifierServingTranslator",
                    "width=28", "height=28", "flag=GRAYSCALE"), properties.subList(2, 7));
            assertTrue(Files.size(out.resolve(form).resolve("libs/qsvit-djl.jar")) > 0);
        }
    }

    @Test
    void applyTakesAnApplyOutputFolderAsEvaluateDoes(@TempDir Path dir) throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\n");
        assertEquals(0, run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("first").toString()).exit());
        Path again = Files.writeString(dir.resolve("again.yaml"), "default: uniform4\n");
        Run fromFolder = run("apply", "--model", dir.resolve("first").toString(), "--setting", again.toString(),
                "--out", dir.resolve("from-folder").toString());
        assertEquals(0, fromFolder.exit(), fromFolder.err());
        Run fromFile = run("apply", "--model", dir.resolve("first/real/model.onnx").toString(), "--setting", again.toString(),
                "--out", dir.resolve("from-file").toString());
        assertEquals(0, fromFile.exit(), fromFile.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("from-file/real/model.onnx")),
                Files.readAllBytes(dir.resolve("from-folder/real/model.onnx")));
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
        assertEquals("qsvit: error: model not found: no/such.onnx\n", run.err());
    }

    @Test
    void fileThatIsNotOnnxIsAOneLineError(@TempDir Path dir) throws IOException {
        Path notOnnx = Files.writeString(dir.resolve("model.onnx"), "this is not a protobuf");
        Run run = run("evaluate", "--model", notOnnx.toString(), "--data", Examples.subset().toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: " + notOnnx + " is not an ONNX model (no IR version or no graph)\n", run.err());
    }

    @Test
    void imagesOfTheWrongSizeAreRejected(@TempDir Path dir) throws IOException {
        writeIdx(dir, 2, 5, 5, new byte[] {1, 2});
        Run run = run("evaluate", "--model", sdtv2(), "--data", dir.toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: " + dir + " holds samples of shape 1x5x5 but the model takes 1x28x28\n",
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
    void emptyDataIsRejected(@TempDir Path dir) throws IOException {
        writeIdx(dir, 0, 28, 28, new byte[0]);
        Run run = run("evaluate", "--model", sdtv2(), "--data", dir.toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: data " + dir + " holds no samples\n", run.err());
    }

    @Test
    void aModelWithoutClassScoresIsRejected(@TempDir Path dir) throws IOException {
        // a classifier whose output is reduced to one number per image: [batch], not [batch, classes]
        ModelProto spiking = TestGraphs.spikingClassifier();
        GraphProto graph = spiking.getGraph().toBuilder()
                .addNode(TestGraphs.node("ReduceMax", "/max", new String[] {"scores"}, "top", TestGraphs.integer("keepdims", 0)))
                .clearOutput().addOutput(TestGraphs.floatValue("top", -1)).build();
        Path model = Files.write(dir.resolve("top.onnx"), spiking.toBuilder().setGraph(graph).build().toByteArray());
        Run run = run("evaluate", "--model", model.toString(), "--data", Examples.subset().toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertTrue(run.err().startsWith("qsvit: error: " + model + ": output 'top' is "), run.err());
        assertTrue(run.err().endsWith("; class scores [batch, classes] are expected\n"), run.err());
        assertEquals(1, run.err().lines().count());
    }

    @Test
    void seedWithoutLimitIsAOneLineError() {
        Run run = run("evaluate", "--model", sdtv2(), "--data", Examples.subset().toString(), "--seed", "3");
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertEquals("qsvit: error: --seed chooses a stratified subset and needs --limit\n", run.err());
    }

    @Test
    void evaluateWritesAnArtifactAndAStratifiedSubsetHasBalancedClasses(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("eval");
        Run run = run("evaluate", "--model", sdtv2(), "--data", Examples.subset().toString(), "--limit", "100",
                "--seed", "7", "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().endsWith("evaluate: wrote " + out + "\n"), run.out());
        JsonNode metadata = new ObjectMapper().readTree(out.resolve("metadata.json").toFile());
        assertEquals("stratified", metadata.at("/parameters/subset").asText());
        assertEquals(100, metadata.at("/results/model/images").asInt());
        int[] perClassIn2000 = {200, 203, 214, 190, 219, 195, 197, 200, 194, 188};
        for (int c = 0; c < 10; c++) {
            int support = metadata.at("/results/model/per_class/" + c + "/support").asInt();
            assertTrue(Math.abs(support - perClassIn2000[c] / 20.0) < 1, c + ": " + support); // 5% of each class
        }
        Run again = run("evaluate", "--model", sdtv2(), "--data", Examples.subset().toString(), "--limit", "100",
                "--seed", "7", "--out", out.toString());
        assertEquals("evaluate: " + out + " is up to date\n", again.out());
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run run = run("evaluate", "--model", sdtv2());
        assertEquals(Qsvit.EXIT_USAGE, run.exit());
        assertEquals("qsvit: error: Missing required option: '--data=<data>' (see 'qsvit evaluate --help')\n", run.err());
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
        assertEquals("qsvit: error: --pytorch checks PyTorch against the manifest's count on all the images: leave out "
                + "--limit\n", limited.err());
        Run repeats = run("benchmark", "--repeats", "0");
        assertEquals("qsvit: error: --repeats must be at least 1, not 0\n", repeats.err());
        Run seed = run("benchmark", "--suite", "evaluate", "--seed", "1", "--limit", "10");
        assertEquals(Qsvit.EXIT_BAD_INPUT, seed.exit());
        assertEquals("qsvit: error: --bounds, --sensitivity, --max-drop, --objective and --seed belong to the search suite: "
                + "add --suite search\n", seed.err());
        Run unlimited = run("benchmark", "--suite", "search", "--bounds", "b", "--seed", "1");
        assertEquals("qsvit: error: --seed chooses a class-balanced subset and needs --limit\n", unlimited.err());
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
