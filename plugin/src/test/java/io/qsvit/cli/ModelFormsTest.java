package io.qsvit.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.PreparedModels;
import io.qsvit.model.Float16;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TensorShapes;
import io.qsvit.model.TestGraphs;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.Quantizer;
import io.qsvit.quant.Setting;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static io.qsvit.model.TestGraphs.floatValue;
import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.ints;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forms models come in besides the reference exports: float16 weights, weights shared by several layers, inputs
 * of other sizes and channel counts. (Constant-node weights and every exporter's names: the model corpus.)
 */
class ModelFormsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * The float16 Spikformer: each weight is quantized from its float16 values, and everything else stays float16:
     * the unquantized head is stored in float16 again, decoded weights are cast to float16 for their layer.
     */
    @Test
    void float16WeightsAreQuantizedFromTheirOwnValuesAndTheRestStaysFloat16() throws IOException {
        Path model = Examples.root().resolve("models/corpus/spikformer-float16.onnx");
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\ngroups: {blocks.0: pow2-4, head: float32}\n");
        ApplyStep.run(model, setting, dir.resolve("applied"));
        OnnxModel original = OnnxModel.load(model);
        ModelLayers prepared = ModelLayers.of(PreparedModels.prepare(original).model(), Grouping.QSVIT);
        OnnxModel real = OnnxModel.load(dir.resolve("applied").resolve(ApplyStep.REAL));
        // read as every step reads it: the float16 head gets its float32 twin back
        ModelLayers decoded = ModelLayers.of(PreparedModels.prepare(real).model(), Grouping.QSVIT);
        Setting applied = Setting.recordedIn(real).orElseThrow();
        LayerWeights preparedWeights = LayerWeights.of(prepared.model());
        LayerWeights realWeights = LayerWeights.of(decoded.model());
        for (int i = 0; i < prepared.layers().size(); i++) {
            Layer layer = prepared.layers().get(i);
            float[] values = preparedWeights.floats(layer);
            for (float v : values) {
                assertTrue(Float16.representable(v), layer.path() + ": the float32 twin holds float16 values");
            }
            var scheme = applied.schemeOf(prepared.groups().stream().filter(g -> g.layers().contains(layer)).findFirst().orElseThrow());
            float[] expected = scheme instanceof io.qsvit.quant.Scheme.Float32 ? values
                    : Quantizer.quantize(values, layer.dims(), layer.channelAxis(), scheme).dequantize();
            assertArrayEquals(expected, realWeights.floats(decoded.layers().get(i)), layer.path());
        }
        GraphProto graph = real.proto().getGraph();
        // the float32 head went back to float16, its Cast gone
        TensorProto head = graph.getInitializerList().stream().filter(t -> t.getName().equals("head.weight")).findFirst().orElseThrow();
        assertEquals(TensorProto.DataType.FLOAT16_VALUE, head.getDataType());
        // every float32 tensor left is a decode's scale or level table; the rest of the model is float16
        Set<String> decodeTensors = new HashSet<>();
        decoded.layers().stream().filter(Layer::encoded).forEach(l -> {
            decodeTensors.add(l.encoding().scale());
            decodeTensors.add(l.encoding().table());
        });
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                // a decode's scale or level table, or the pow2 decode's index scale 1
                assertTrue(decodeTensors.contains(t.getName()) || TensorShapes.elements(t) == 1, t.getName() + " is float32");
            }
        }
        long halfTensors = graph.getInitializerList().stream().filter(t -> t.getDataType() == TensorProto.DataType.FLOAT16_VALUE).count();
        assertTrue(halfTensors >= 13, halfTensors + " float16 tensors"); // biases (BN folded), the head, constants
        long castsToHalf = graph.getNodeList().stream().filter(n -> n.getOpType().equals("Cast")
                && n.getAttribute(0).getI() == TensorProto.DataType.FLOAT16_VALUE).count();
        assertTrue(castsToHalf >= 16, castsToHalf + " Casts to float16"); // one per decoded weight at least
        // and the original's BN statistics, read in float16, are folded
        assertEquals("float16", PreparedModels.prepare(original).record().folded().get(0).type());
    }

    /** One weight read by two layers (an ALBERT-style shared block): one layer, quantized once, decoded for both. */
    @Test
    void sharedWeightsAreOneLayerQuantizedOnce() throws IOException {
        GraphProto graph = GraphProto.newBuilder().addInput(floatValue("image", -1, 1, 6, 6)).addOutput(floatValue("scores", -1, 4))
                .addInitializer(floats("embed.weight", 1, 36, 16)).addInitializer(floats("shared.weight", 2, 16, 16))
                .addInitializer(floats("head.weight", 3, 16, 4))
                .addNode(node("Flatten", "/flatten/Flatten", new String[] {"image"}, "x"))
                .addNode(node("MatMul", "/embed/MatMul", new String[] {"x", "embed.weight"}, "e"))
                .addNode(node("Relu", "/act0/Relu", new String[] {"e"}, "a0"))
                .addNode(node("MatMul", "/shared/MatMul", new String[] {"a0", "shared.weight"}, "s1"))
                .addNode(node("Relu", "/act1/Relu", new String[] {"s1"}, "a1"))
                .addNode(node("MatMul", "/shared/MatMul_1", new String[] {"a1", "shared.weight"}, "s2"))
                .addNode(node("Relu", "/act2/Relu", new String[] {"s2"}, "a2"))
                .addNode(node("MatMul", "/head/MatMul", new String[] {"a2", "head.weight"}, "scores")).build();
        Path model = dir.resolve("shared.onnx");
        Files.write(model, TestGraphs.model(graph, 13).toByteArray());
        QsvitCliTest.Run inspect = QsvitCliTest.run("inspect", "--json", "--granularity", "layer", model.toString());
        assertEquals(0, inspect.exit(), inspect.err());
        List<String> paths = JSON.readTree(inspect.out()).findValuesAsText("path");
        assertEquals(List.of("embed", "shared", "head"), paths);

        Path data = npy(dir.resolve("data"), 1, 6, 6, 4, 30);
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform4\n");
        assertEquals(0, QsvitCliTest.run("--no-cache", "apply", "--model", model.toString(), "--setting", setting.toString(),
                "--out", dir.resolve("applied").toString()).exit());
        OnnxModel realModel = OnnxModel.load(dir.resolve("applied/real"));
        ModelProto real = realModel.proto();
        List<io.qsvit.model.Layer> stored = io.qsvit.model.LayerFinder.find(real.getGraph());
        assertEquals(List.of("embed.weight", "shared.weight", "head.weight"),
                stored.stream().map(io.qsvit.model.Layer::tensorName).toList(), "one decode per stored weight");
        assertTrue(stored.stream().allMatch(io.qsvit.model.Layer::encoded));
        List<NodeProto> readers = real.getGraph().getNodeList().stream().filter(n -> n.getName().startsWith("/shared/")).toList();
        assertEquals(readers.get(0).getInput(1), readers.get(1).getInput(1), "both layers read the one decoded weight");
        assertScoresEqual(dir.resolve("applied"), data);
    }

    /**
     * A model whose input is token ids (as Tribuo's BERT test model): inspect lists its layers without MACs and
     * says why; apply quantizes it; evaluate, which feeds images or event frames, refuses it in one line.
     */
    @Test
    void aTokenIdModelIsListedAndAppliedButNotEvaluated() throws IOException {
        GraphProto graph = GraphProto.newBuilder()
                .addInput(ValueInfoProto.newBuilder().setName("input_ids").setType(
                        TypeProto.newBuilder().setTensorType(TypeProto.Tensor
                                .newBuilder().setElemType(TensorProto.DataType.INT64_VALUE))))
                .addOutput(floatValue("scores", -1, 3))
                .addInitializer(floats("embeddings.weight", 1, 50, 16)).addInitializer(floats("classifier.weight", 2, 16, 3))
                .addNode(node("Gather", "/embeddings/Gather", new String[] {"embeddings.weight", "input_ids"}, "e"))
                .addNode(node("ReduceMean", "/pool/ReduceMean", new String[] {"e"}, "p", ints("axes", 1), integer("keepdims", 0)))
                .addNode(node("MatMul", "/classifier/MatMul", new String[] {"p", "classifier.weight"}, "scores"))
                .build();
        Path model = dir.resolve("tokens.onnx");
        Files.write(model, TestGraphs.model(graph, 13).toByteArray());
        QsvitCliTest.Run inspect = QsvitCliTest.run("inspect", model.toString());
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().contains("1 layers in 1 groups, 48 weight parameters, 0 MACs per image"), inspect.out());
        assertTrue(inspect.out().contains("MACs not measured: input 'input_ids' is int64, not float32 image or event frames"),
                inspect.out());
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform4\n");
        QsvitCliTest.Run apply = QsvitCliTest.run("--no-cache", "apply", "--model", model.toString(), "--setting",
                setting.toString(), "--out", dir.resolve("applied").toString());
        assertEquals(0, apply.exit(), apply.err());
        QsvitCliTest.Run evaluate = QsvitCliTest.run("--no-cache", "evaluate", "--model", model.toString(), "--data",
                npy(dir.resolve("data"), 1, 4, 4, 3, 6).toString());
        assertEquals(1, evaluate.exit());
        assertEquals("qsvit: error: input 'input_ids' is int64; qsvit evaluates models that take float32 images or event frames",
                evaluate.err().strip());
    }

    /** A 3-channel, 20x28 input (not Fashion-MNIST's 1x28x28): found, applied, evaluated, run. */
    @Test
    void anyInputSizeAndChannelCount() throws IOException {
        GraphProto graph = GraphProto.newBuilder().addInput(floatValue("rgb", -1, 3, 20, 28)).addOutput(floatValue("scores", -1, 5))
                .addInitializer(floats("stem.weight", 1, 8, 3, 3, 3)).addInitializer(floats("body.weight", 2, 8, 8, 3, 3))
                .addInitializer(floats("head.weight", 3, 5, 8)).addInitializer(floats("head.bias", 4, 5))
                .addNode(node("Conv", "/stem/Conv", new String[] {"rgb", "stem.weight"}, "a", ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "/stem/Relu", new String[] {"a"}, "b"))
                .addNode(node("Conv", "/body/Conv", new String[] {"b", "body.weight"}, "c", ints("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", "/body/Relu", new String[] {"c"}, "d"))
                .addNode(node("GlobalAveragePool", "/pool/GlobalAveragePool", new String[] {"d"}, "e"))
                .addNode(node("Flatten", "/pool/Flatten", new String[] {"e"}, "f"))
                .addNode(node("Gemm", "/head/Gemm", new String[] {"f", "head.weight", "head.bias"}, "scores", integer("transB", 1)))
                .build();
        Path model = dir.resolve("rgb.onnx");
        Files.write(model, TestGraphs.model(graph, 13).toByteArray());
        Path data = npy(dir.resolve("data"), 3, 20, 28, 5, 40);
        QsvitCliTest.Run inspect = QsvitCliTest.run("inspect", "--json", model.toString());
        JsonNode groups = JSON.readTree(inspect.out()).get("groups");
        assertEquals("downsample", groups.get(0).get("kind").asText()); // the stride-2 stem
        assertEquals(8 * 3 * 9 * 10 * 14, groups.get(0).get("macs_per_image").asLong()); // 10x14 outputs
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\ngroups: {stem: uniform4}\n");
        QsvitCliTest.Run apply = QsvitCliTest.run("--no-cache", "apply", "--model", model.toString(), "--setting", setting.toString(),
                "--out", dir.resolve("applied").toString());
        assertEquals(0, apply.exit(), apply.err());
        assertScoresEqual(dir.resolve("applied"), data);
        QsvitCliTest.Run evaluate = QsvitCliTest.run("--no-cache", "evaluate", "--model", dir.resolve("applied").toString(),
                "--baseline", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertEquals(40, JSON.readTree(evaluate.out()).get("images").asInt());
        Path config = Files.writeString(dir.resolve("pipeline.yaml"), "data: {limit: 20}\nthreads: 2\n"
                + "sensitivity: {precisions: [uniform4]}\nrequirement: {max_drop: 0.5}\n");
        QsvitCliTest.Run run = QsvitCliTest.run("--no-cache", "run", "--model", model.toString(), "--data", data.toString(),
                "--out", dir.resolve("run").toString(), "--config", config.toString());
        assertEquals(0, run.exit(), run.err());
    }

    /** Simulated and real models of an apply output give the same scores on the NPY images. */
    private static void assertScoresEqual(Path applied, Path data) {
        var images = io.qsvit.eval.data.NpyDataset.load(data);
        float[][] simulated;
        float[][] real;
        try (var c = io.qsvit.eval.OnnxClassifier.open(applied.resolve("simulated/model.onnx"), 2)) {
            simulated = c.scores(images, 16);
        }
        try (var c = io.qsvit.eval.OnnxClassifier.open(applied.resolve("real/model.onnx"), 2)) {
            real = c.scores(images, 16);
        }
        for (int i = 0; i < real.length; i++) {
            assertArrayEquals(simulated[i], real[i], "image " + i);
        }
    }

    /** images.npy (float32 NCHW in [0, 1)) and labels.npy (int64 in [0, classes)), seeded. */
    static Path npy(Path folder, int channels, int height, int width, int classes, int count) throws IOException {
        Files.createDirectories(folder);
        SplittableRandom random = new SplittableRandom(11);
        ByteBuffer pixels = ByteBuffer.allocate(4 * count * channels * height * width).order(ByteOrder.LITTLE_ENDIAN);
        while (pixels.hasRemaining()) {
            pixels.putFloat((float) random.nextDouble());
        }
        ByteBuffer labels = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            labels.putLong(i % classes);
        }
        Files.write(folder.resolve("images.npy"), npyFile("<f4", "(" + count + ", " + channels + ", " + height + ", " + width + ")", pixels.array()));
        Files.write(folder.resolve("labels.npy"), npyFile("<i8", "(" + count + ",)", labels.array()));
        return folder;
    }

    /** NumPy's .npy format 1.0: magic, header length, a dict padded with spaces to a multiple of 64 bytes. */
    private static byte[] npyFile(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return out.array();
    }
}
