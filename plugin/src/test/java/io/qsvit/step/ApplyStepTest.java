package io.qsvit.step;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.LayerCosts;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.quant.QuantizedArtifacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplyStepTest {
    /** Every scheme family at once: 4-bit (op-set 21), 8-bit, asymmetric, pow2, per-tensor, float. */
    static final String SDTV2_SETTING = """
            schema: qsvit.setting/v1
            grouping: {granularity: block}
            default: uniform8
            groups:
              stage1.downsample: uniform4
              stage2.downsample: uniform4-tensor
              stage3.downsample: uniform4
              stage4.downsample: uniform4
              stage2.block1: uniform6-asym
              stage3.block1: float32
              stage3.block2: pow2-4
              stage4.block1: uniform12
            """;
    static final String SPIKFORMER_SETTING = """
            {"grouping": {"granularity": "block"}, "default": "pow2-5",
             "groups": {"blocks.0": "uniform4-asym-tensor", "head": "uniform8-tensor"}}
            """;

    static Dataset images;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void loadImages() {
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(200);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static float[][] scores(Path model) {
        try (OnnxClassifier c = OnnxClassifier.open(model, 2)) {
            return c.scores(images, 100);
        }
    }

    static double maxAbsDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    @Test
    void simulatedAndRealModelsGiveTheSameLogitsOnBothReferenceModels() throws IOException {
        for (String[] c : List.of(new String[] {"sdtv2", SDTV2_SETTING, "s.yaml"},
                new String[] {"spikformer", SPIKFORMER_SETTING, "s.json"})) {
            Path out = dir.resolve(c[0]);
            ApplyStep.run(Examples.model(c[0]), write(c[2], c[1]), out);
            float[][] simulated = scores(out.resolve("simulated/model.onnx"));
            float[][] real = scores(out.resolve("real/model.onnx"));
            assertTrue(maxAbsDifference(simulated, real) < 1e-5, c[0] + ": " + maxAbsDifference(simulated, real));
            assertTrue(maxAbsDifference(simulated, scores(Examples.model(c[0]))) > 1e-3,
                    c[0] + ": quantization must change the logits");
        }
    }

    @Test
    void realFileSizeMatchesTheMemoryAccounting() throws IOException {
        Path out = dir.resolve("out");
        ApplyStep.run(Examples.model("sdtv2"), write("s.yaml", SDTV2_SETTING), out);
        JsonNode file = JSON.readTree(out.resolve("metadata.json").toFile()).at("/results/real_model");
        long bytes = Files.size(out.resolve("real/model.onnx"));
        assertEquals(bytes, file.get("bytes").asLong());
        assertEquals(1.0, (double) bytes / file.get("accounted_bytes").asLong(), 0.02);
        assertTrue(bytes < Files.size(out.resolve("simulated/model.onnx")) * 0.6, "the real model must be smaller");
    }

    @Test
    void settingIsRecordedInTheOnnxMetadata() throws IOException {
        Path out = dir.resolve("out");
        ApplyStep.run(Examples.model("sdtv2"), write("s.yaml", SDTV2_SETTING), out);
        ModelProto real = OnnxModel.load(out.resolve("real")).proto();
        String setting = real.getMetadataPropsList().stream().filter(p -> p.getKey().equals(QuantizedArtifacts.SETTING_KEY))
                .map(StringStringEntryProto::getValue).findFirst().orElseThrow();
        assertEquals("pow2-4", JSON.readTree(setting).at("/groups/stage3.block2").asText());
        assertEquals(Files.readString(out.resolve("setting.json")).strip(), setting);
        assertEquals(21, OnnxModel.load(out.resolve("real")).opset()); // 12-bit codes, stored as INT16
        assertEquals(17, OnnxModel.load(out.resolve("simulated")).opset());
    }

    @Test
    void identicalInputsGiveByteIdenticalArtifacts() throws IOException {
        Path setting = write("s.yaml", SDTV2_SETTING);
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("a"));
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("b"));
        for (String f : List.of("real/model.onnx", "simulated/model.onnx", "setting.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        assertEquals(withoutTimings(dir.resolve("a")), withoutTimings(dir.resolve("b")));
    }

    private static JsonNode withoutTimings(Path artifact) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(artifact.resolve("metadata.json").toFile());
        node.remove("timings");
        return node;
    }

    @Test
    void djlServingAddsServingPropertiesAndChangesNothingElse() throws IOException {
        Path setting = write("s.yaml", SDTV2_SETTING);
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("plain"));
        ApplyStep.run(Examples.model("sdtv2"), setting, dir.resolve("served"), true);
        for (String f : List.of("real/model.onnx", "simulated/model.onnx", "setting.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("plain").resolve(f)), Files.readAllBytes(dir.resolve("served").resolve(f)), f);
        }
        String properties = """
                # DJL Serving model folder: DJL's OnnxRuntime engine runs model.onnx; qsvit's translator,
                # from libs/qsvit-djl.jar, turns an image into the model's input and its scores into classifications
                engine=OnnxRuntime
                translator=io.qsvit.djl.ImageClassifierServingTranslator
                width=28
                height=28
                flag=GRAYSCALE
                """;
        for (String form : List.of("real", "simulated")) {
            Path folder = dir.resolve("served").resolve(form);
            assertEquals(properties, Files.readString(folder.resolve("serving.properties")));
            assertArrayEquals(TranslatorJar.bytes(), Files.readAllBytes(folder.resolve("libs/qsvit-djl.jar")));
            try (Stream<Path> files = Files.list(folder)) {
                assertEquals(List.of("libs", "model.onnx", "serving.properties"),
                        files.map(f -> f.getFileName().toString()).sorted().toList());
            }
        }
        assertFalse(Files.exists(dir.resolve("plain/real/serving.properties")));
        assertFalse(Files.exists(dir.resolve("plain/real/libs")));
        JsonNode plain = withoutTimings(dir.resolve("plain"));
        JsonNode served = withoutTimings(dir.resolve("served"));
        assertEquals(plain.get("results"), served.get("results")); // the real model's measured size is the model's
        assertEquals("{\"runtime\":\"ort-cpu\",\"preparation\":\"" + Preparation.ID + "\"}", plain.get("parameters").toString());
        assertEquals("{\"djl_serving\":true,\"runtime\":\"ort-cpu\",\"preparation\":\"" + Preparation.ID + "\"}",
                served.get("parameters").toString());
        assertEquals(Digests.of(TranslatorJar.bytes()), served.at("/inputs/djl_translator").asText());
        assertFalse(plain.get("cache_key").equals(served.get("cache_key")));
    }

    @Test
    void anEventModelIsServedWithTheEventTranslatorAndItsFrames() throws IOException {
        Path setting = write("dvs.yaml", "default: uniform8\n");
        Path out = dir.resolve("dvs-served");
        ApplyStep.run(Examples.model("spikformer-dvs"), setting, out, true, Preprocessing.NONE,
                EventOptions.of("time", "68x68", null, null), io.qsvit.quant.Runtime.DEFAULT, null);
        String properties = """
                # DJL Serving model folder: DJL's OnnxRuntime engine runs model.onnx; qsvit's translator,
                # from libs/qsvit-djl.jar, turns an event recording (AEDAT, N-MNIST binary or NumPy) into the model's frames and its scores into classifications
                engine=OnnxRuntime
                translator=io.qsvit.djl.EventClassifierServingTranslator
                frames=4
                height=34
                width=34
                timeLayout=ntchw
                framesBy=time
                sensor=68x68
                """;
        for (String form : List.of("real", "simulated")) {
            assertEquals(properties, Files.readString(out.resolve(form).resolve("serving.properties")));
            assertArrayEquals(TranslatorJar.bytes(), Files.readAllBytes(out.resolve(form).resolve("libs/qsvit-djl.jar")));
        }
        assertEquals("{\"djl_serving\":true,\"serving_events\":{\"split_by\":\"time\",\"sensor\":\"68x68\","
                + "\"frames\":null,\"time_layout\":\"auto\"},\"runtime\":\"ort-cpu\",\"preparation\":\""
                + Preparation.ID + "\"}", withoutTimings(out).get("parameters").toString());
    }

    @Test
    void anEventModelWithASymbolicTimeAxisIsServedWithFramesOrRefused() throws IOException {
        ModelProto.Builder open = OnnxModel.load(Examples.model("spikformer-dvs")).proto().toBuilder();
        open.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(1).clearDimValue().setDimParam("time");
        Path model = dir.resolve("open-time.onnx");
        Files.write(model, open.build().toByteArray());
        Path setting = write("dvs.yaml", "default: uniform8\n");
        Path refused = dir.resolve("refused");
        String message = assertThrows(UserInputException.class, () -> ApplyStep.run(model, setting, refused, true,
                Preprocessing.NONE, EventOptions.DEFAULT, io.qsvit.quant.Runtime.DEFAULT, null)).getMessage();
        assertEquals("--djl-serving needs a float event input with frames, height and width fixed (a symbolic time"
                + " axis takes --frames); " + model + " input 'events' is FLOAT [batch, time, 2, 34, 34]", message);
        assertFalse(Files.exists(refused));
        message = assertThrows(UserInputException.class, () -> ApplyStep.run(model, setting, refused, true,
                Preprocessing.preset("imagenet"), EventOptions.DEFAULT, io.qsvit.quant.Runtime.DEFAULT, null)).getMessage();
        assertEquals("image preprocessing options do not apply to " + model + ", whose input 'events' is event frames"
                + " FLOAT [batch, time, 2, 34, 34]", message);
        assertFalse(Files.exists(refused));

        Path out = dir.resolve("six-frames");
        ApplyStep.run(model, setting, out, true, Preprocessing.NONE, EventOptions.of(null, null, 6, "ntchw"),
                io.qsvit.quant.Runtime.DEFAULT, null);
        assertTrue(Files.readString(out.resolve("real/serving.properties")).contains(
                "frames=6\nheight=34\nwidth=34\ntimeLayout=ntchw\nframesBy=number\nsensor=34x34\n"));
    }

    @Test
    void djlServingNeedsAFixedImageShapeAndWritesNothingWithout() throws IOException {
        ModelProto.Builder open = OnnxModel.load(Examples.model("sdtv2")).proto().toBuilder();
        open.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(2).clearDimValue().setDimParam("height");
        Path model = dir.resolve("open-height.onnx");
        Files.write(model, open.build().toByteArray());
        Path out = dir.resolve("out");
        Path setting = write("s.yaml", SDTV2_SETTING);
        String message = assertThrows(UserInputException.class, () -> ApplyStep.run(model, setting, out, true)).getMessage();
        assertEquals("--djl-serving needs a float image input [batch, channels, height, width] with channels, height "
                + "and width fixed, or event frames [batch, T, 2, height, width]; " + model
                + " input 'image' is FLOAT [batch, 1, height, 28]", message);
        assertFalse(Files.exists(out));
    }

    @Test
    void rerunIsUpToDateAndAnotherArtifactIsRefused() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(ArtifactFolder.Outcome.WRITTEN, ApplyStep.run(Examples.model("sdtv2"), write("s.yaml", SDTV2_SETTING), out));
        assertEquals(ArtifactFolder.Outcome.UP_TO_DATE, ApplyStep.run(Examples.model("sdtv2"), dir.resolve("s.yaml"), out));
        Path other = write("o.yaml", "default: uniform8\n");
        String message = assertThrows(UserInputException.class, () -> ApplyStep.run(Examples.model("sdtv2"), other, out)).getMessage();
        assertTrue(message.startsWith("output folder " + out + " already holds a different artifact (cache key "), message);
        assertTrue(message.endsWith("; remove it or choose another --out"), message);
    }

    @Test
    void aFolderHoldingSettingJsonIsTheSettingItHolds() throws IOException {
        ApplyStep.run(Examples.model("sdtv2"), write("s.yaml", SDTV2_SETTING), dir.resolve("a"));
        // a pipeline hands apply the folder of the step before it (explore's output, or another apply's)
        ApplyStep.run(Examples.model("sdtv2"), dir.resolve("a"), dir.resolve("b"));
        assertEquals(withoutTimings(dir.resolve("a")), withoutTimings(dir.resolve("b")));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals("setting folder " + empty + " has no setting.json", assertThrows(UserInputException.class,
                () -> ApplyStep.run(Examples.model("sdtv2"), empty, dir.resolve("c"))).getMessage());
    }

    @Test
    void badSettingsNameTheProblemAndLeaveNothing() throws IOException {
        Path out = dir.resolve("out");
        Path unknown = write("u.yaml", "groups: {stage9.block1: uniform8}\n");
        String message = assertThrows(UserInputException.class, () -> ApplyStep.run(Examples.model("sdtv2"), unknown, out)).getMessage();
        assertTrue(message.startsWith("setting names group 'stage9.block1', which the model does not have (its groups: stage1.downsample, "), message);
        Path bits = write("b.yaml", "groups: {head: uniform17}\n");
        assertEquals(bits + ": group 'head': bits out of range in 'uniform17': uniform takes 2..16 bits",
                assertThrows(UserInputException.class, () -> ApplyStep.run(Examples.model("sdtv2"), bits, out)).getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void unwritableOutputIsAOneLineErrorAndLeavesNothing() throws IOException {
        Path blocker = write("file.txt", "a file where a folder should go");
        Path out = blocker.resolve("out");
        String message = assertThrows(UserInputException.class,
                () -> ApplyStep.run(Examples.model("sdtv2"), write("s.yaml", SDTV2_SETTING), out)).getMessage();
        assertTrue(message.startsWith("cannot write output folder " + out + ": "), message);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("file.txt", "s.yaml"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void modelWithExternalDataGivesArtifactsWithExternalData() throws IOException {
        ModelProto model = OnnxModel.load(Examples.model("sdtv2")).proto();
        ModelProto.Builder external = model.toBuilder();
        var graph = external.getGraphBuilder();
        long offset = 0;
        try (var side = Files.newOutputStream(Files.createDirectories(dir.resolve("src")).resolve("weights.data"))) {
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                TensorProto t = graph.getInitializer(i);
                byte[] raw = t.getRawData().toByteArray();
                side.write(raw);
                graph.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "weights.data")).addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(raw.length))));
                offset += raw.length;
            }
        }
        Path source = Files.write(dir.resolve("src/model.onnx"), external.build().toByteArray());
        ApplyStep.run(source, write("s.yaml", SDTV2_SETTING), dir.resolve("ext"));
        ApplyStep.run(Examples.model("sdtv2"), dir.resolve("s.yaml"), dir.resolve("inline"));
        assertTrue(Files.isRegularFile(dir.resolve("ext/real/model.onnx.data")));
        assertEquals(0.0, maxAbsDifference(scores(dir.resolve("ext/real/model.onnx")), scores(dir.resolve("inline/real/model.onnx"))));
        assertEquals(0.0, maxAbsDifference(scores(dir.resolve("ext/simulated/model.onnx")), scores(dir.resolve("inline/simulated/model.onnx"))));
        // sessions built from a changed model in memory find the external data too
        ModelLayers externalLayers = ModelLayers.of(OnnxModel.load(source), Grouping.QSVIT);
        ModelLayers inline = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), Grouping.QSVIT);
        Layer head = inline.layers().get(inline.layers().size() - 1);
        assertEquals(LayerCosts.measure(inline).macsPerImage(head), LayerCosts.measure(externalLayers).macsPerImage(head));
        try (EvaluationSession session = EvaluationSession.open(externalLayers, 2)) {
            assertEquals(0.0, maxAbsDifference(scores(Examples.model("sdtv2")), session.run(images, 100).scores()));
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
