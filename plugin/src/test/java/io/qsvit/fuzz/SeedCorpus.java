package io.qsvit.fuzz;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Cache;
import io.qsvit.model.TestGraphs;
import io.qsvit.search.Journal;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the committed seed corpora of the fuzz tests (small inputs each reader accepts, and a few it refuses),
 * into {@code src/test/resources/io/qsvit/fuzz/<Test>Inputs/<method>/}. Regenerate with
 * {@code mvn -o -q -pl plugin test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.qsvit.fuzz.SeedCorpus -Dexec.args=plugin/src/test/resources -Dqsvit.examples=examples}
 * from the repository root.
 */
public final class SeedCorpus {
    private SeedCorpus() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path resources = Path.of(args[0]).resolve("io/qsvit/fuzz");
        Map<String, byte[]> seeds;

        seeds = new LinkedHashMap<>();
        ModelProto mlp = TestGraphs.mlp();
        seeds.put("mlp", mlp.toByteArray());
        seeds.put("spiking-classifier", TestGraphs.spikingClassifier().toByteArray());
        GraphProto.Builder cyclic = mlp.getGraph().toBuilder();
        cyclic.setNode(2, cyclic.getNode(2).toBuilder().setInput(0, "y"));
        seeds.put("cyclic", mlp.toBuilder().setGraph(cyclic).build().toByteArray());
        GraphProto.Builder hugeDim = mlp.getGraph().toBuilder();
        hugeDim.setInitializer(0, hugeDim.getInitializer(0).toBuilder().setDims(0, 1L << 40));
        seeds.put("huge-dim", mlp.toBuilder().setGraph(hugeDim).build().toByteArray());
        byte[] whole = mlp.toByteArray();
        seeds.put("truncated", Arrays.copyOf(whole, whole.length / 2));
        write(resources, "OnnxModelFuzzTest", "readAndFindLayers", seeds);

        Path examples = Path.of(System.getProperty("qsvit.examples", "../examples"));
        seeds = new LinkedHashMap<>();
        seeds.put("yaml-final", yaml(Files.readAllBytes(examples.resolve("settings/sdtv2-qsvit-final.yaml"))));
        seeds.put("yaml-rules", yaml("""
                schema: qsvit.setting/v1
                grouping: {granularity: block, rules: [{match: 'stage(\\\\d)\\\\..*', group: 'stage$1', kind: attention}]}
                default: uniform8
                groups: {stage1: pow2-4-tensor, stage3: float32}
                """.getBytes(StandardCharsets.UTF_8)));
        seeds.put("json", json("{\"default\": \"uniform4-asym\", \"groups\": {\"head\": \"uniform16-tensor\"}}"
                .getBytes(StandardCharsets.UTF_8)));
        seeds.put("yaml-duplicate", yaml("default: uniform8\ndefault: uniform4\n".getBytes(StandardCharsets.UTF_8)));
        seeds.put("yaml-alias", yaml("a: &x {head: uniform8}\ngroups: *x\n".getBytes(StandardCharsets.UTF_8)));
        seeds.put("yaml-fixed", yaml("default: fixed8:q2.5\ngroups: {head: 'fixed16:q4.11:truncate:wrap', stage1: 'fixed4:stochastic:seed=7'}\n"
                .getBytes(StandardCharsets.UTF_8)));
        write(resources, "SettingFuzzTest", "read", seeds);

        seeds = new LinkedHashMap<>();
        for (String id : List.of("uniform4-asym-tensor", "pow2-3", "fixed16:q4.11:truncate", "fixed12:seed=-9:stochastic:wrap",
                "fixed32:q31.0")) {
            seeds.put(id.replaceAll("[^a-z0-9-]", "_"), id.getBytes(StandardCharsets.UTF_8));
        }
        write(resources, "SchemeFuzzTest", "parse", seeds);

        seeds = new LinkedHashMap<>();
        for (String name : List.of("quickstart.yaml", "search.yaml", "apply-evaluate.yaml")) {
            seeds.put(name.replace(".yaml", ""), yaml(Files.readAllBytes(examples.resolve("pipelines").resolve(name))));
        }
        seeds.put("json", json(("{\"batch\": 10, \"threads\": 1, \"requirement\": {\"target_accuracy\": 0.8}, "
                + "\"explore\": {\"strategy\": \"heterogeneous\", \"budget\": {\"memory_bytes\": 1000}}}")
                .getBytes(StandardCharsets.UTF_8)));
        write(resources, "PipelineConfigFuzzTest", "read", seeds);

        byte[] labels = idx(new int[] {3}, new byte[] {0, 1, 2});
        byte[] images = idx(new int[] {3, 4, 4}, ramp(48));
        seeds = new LinkedHashMap<>();
        seeds.put("three-images", new Parts.Builder().part(labels).rest(images));
        seeds.put("gzip", new Parts.Builder().part(gzip(labels)).rest(gzip(images)));
        seeds.put("truncated", new Parts.Builder().part(labels).rest(Arrays.copyOf(images, 30)));
        write(resources, "IdxFuzzTest", "read", seeds);

        seeds = new LinkedHashMap<>();
        seeds.put("uint8-nhw", new Parts.Builder().part(npy("<i8", "(2,)", le(8, 0, 1)))
                .rest(npy("|u1", "(2, 4, 4)", ramp(32))));
        seeds.put("float32-nchw", new Parts.Builder().part(npy("<i4", "(2,)", le(4, 1, 0)))
                .rest(npy("<f4", "(2, 1, 4, 4)", floats(32))));
        seeds.put("fortran", new Parts.Builder().part(npy("<i8", "(1,)", le(8, 0)))
                .rest(npy("|u1", "(1, 4, 4)", ramp(16)).clone()));
        write(resources, "NpyFuzzTest", "read", seeds);

        seeds = new LinkedHashMap<>();
        seeds.put("sparse", "0 1:0.5 3:1\n1 16:0.25\n2 2:1e-3 15:0.75\n".getBytes(StandardCharsets.UTF_8));
        seeds.put("zero-based", "1 0:1 15:0.5\n0 7:0.2\n".getBytes(StandardCharsets.UTF_8));
        seeds.put("comments", "# a comment\n3 1:1 # trailing\n\n".getBytes(StandardCharsets.UTF_8));
        write(resources, "LibsvmFuzzTest", "read", seeds);

        seeds = new LinkedHashMap<>();
        String[] formats = {"png", "jpg", "bmp", "gif"};
        for (int f = 0; f < formats.length; f++) {
            for (int channels : new int[] {1, 3}) {
                seeds.put(formats[f] + "-" + channels, new Parts.Builder().choice(channels == 1 ? 0 : 1).choice(f)
                        .rest(image(formats[f], channels)));
            }
        }
        write(resources, "ImageFolderFuzzTest", "read", seeds);

        Path scratch = Files.createTempDirectory("qsvit-seeds");
        Path journalFile = scratch.resolve("j.journal");
        try (Journal journal = Journal.open(journalFile)) {
            journal.append("a", Map.of("accuracy", 0.875, "images", 200));
            journal.append("b", List.of(1, 2, 3));
        }
        byte[] journal = Files.readAllBytes(journalFile);
        seeds = new LinkedHashMap<>();
        seeds.put("two-entries", journal);
        byte[] torn = Arrays.copyOf(journal, journal.length - 7);
        seeds.put("torn", torn);
        byte[] flipped = journal.clone();
        flipped[journal.length / 3] ^= 1;
        seeds.put("flipped", flipped);
        write(resources, "JournalFuzzTest", "open", seeds);

        Path cacheFolder = scratch.resolve("cache");
        Cache cache = Cache.at(cacheFolder, line -> { });
        ArtifactFolder.publish(scratch.resolve("out"), CacheFuzzTest.CONTEXT, (folder, timings) -> {
            Files.writeString(folder.resolve("result.txt"), "computed");
            return Map.of("ok", true);
        }, cache);
        Path entry = cacheFolder.resolve("v1/entries").resolve(CacheFuzzTest.KEY);
        byte[] metadata = Files.readAllBytes(entry.resolve("artifact/metadata.json"));
        Thread.sleep(2_100); // the memo remembers only settled files
        Path input = Files.writeString(scratch.resolve("m.onnx"), "weights");
        Thread.sleep(2_100);
        cache.digestOf(input);
        byte[] memo;
        try (var memos = Files.list(cacheFolder.resolve("v1/digests"))) {
            memo = Files.readAllBytes(memos.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow());
        }
        seeds = new LinkedHashMap<>();
        seeds.put("intact", new Parts.Builder().part(metadata).part("computed".getBytes(StandardCharsets.UTF_8))
                .choice(0).rest(memo));
        seeds.put("changed-output", new Parts.Builder().part(metadata).part("edited".getBytes(StandardCharsets.UTF_8))
                .choice(0).rest(memo));
        seeds.put("bad-digest-file", new Parts.Builder().part(metadata).part("computed".getBytes(StandardCharsets.UTF_8))
                .choice(1).part("0".repeat(64).getBytes(StandardCharsets.UTF_8)).rest(new byte[0]));
        write(resources, "CacheFuzzTest", "readDamagedEntries", seeds);
        io.qsvit.Folders.deleteRecursively(scratch);
    }

    private static void write(Path resources, String test, String method, Map<String, byte[]> seeds) throws IOException {
        Path folder = resources.resolve(test + "Inputs").resolve(method);
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(folder.resolve("seed-" + seed.getKey()), seed.getValue());
        }
    }

    private static byte[] yaml(byte[] text) {
        return new Parts.Builder().choice(0).rest(text);
    }

    private static byte[] json(byte[] text) {
        return new Parts.Builder().choice(1).rest(text);
    }

    private static byte[] idx(int[] shape, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * shape.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) shape.length);
        for (int d : shape) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static byte[] ramp(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (i * 5);
        }
        return out;
    }

    private static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i / (float) n);
        }
        return b.array();
    }

    private static byte[] le(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            if (width == 8) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
        return b.array();
    }

    /** An .npy file of format 1.0, laid out as np.save does. */
    private static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] image(String format, int channels) throws IOException {
        BufferedImage image = new BufferedImage(4, 4, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, (x * 60) << 16 | (y * 60) << 8 | 128);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return out.toByteArray();
    }
}
