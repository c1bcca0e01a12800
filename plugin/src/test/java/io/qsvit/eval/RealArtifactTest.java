package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.Examples;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.Quantizer;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real artifacts (integer codes rebuilt by decode nodes) of both reference models, applied once with every
 * scheme family: found, decoded, evaluated and quantized again exactly like the float and simulated models.
 */
class RealArtifactTest {
    /**
     * uniform8 default, uniform4 downsampling, pow2 and asymmetric attention blocks, a float32 head; every
     * scale rule (max-abs, mse, percentile), whose chosen scales the real artifact stores.
     */
    static final String SDTV2_SETTING = """
            default: uniform8
            groups:
              stage1.downsample: uniform4
              stage2.downsample: uniform4:mse
              stage3.downsample: uniform4:p99.9
              stage4.downsample: uniform4
              stage3.block1: pow2-4:mse
              stage4.block1: uniform4-asym:mse
              head: float32
            """;
    /** Spikformer: initializer-named weights behind Transpose, op-set 13 raised to 21 for the 4-bit codes. */
    static final String SPIKFORMER_SETTING = """
            default: uniform8
            groups:
              patch_split.conv1: uniform4:mse
              blocks.0: pow2-4:p99
              blocks.1: uniform4-asym
              head: float32
            """;
    static final List<String> MODELS = List.of("sdtv2", "spikformer");

    @TempDir
    static Path dir;
    static Dataset images;

    @BeforeAll
    static void applyBothModels() throws IOException {
        for (String name : MODELS) {
            Path setting = Files.writeString(dir.resolve(name + ".yaml"), name.equals("sdtv2") ? SDTV2_SETTING : SPIKFORMER_SETTING);
            ApplyStep.run(Examples.model(name), setting, dir.resolve(name), false, io.qsvit.eval.image.Preprocessing.NONE, io.qsvit.quant.Runtime.ORT_CPU);
        }
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(500);
    }

    private static OnnxModel real(String name) {
        return OnnxModel.load(dir.resolve(name).resolve(ApplyStep.REAL));
    }

    private static OnnxModel simulated(String name) {
        return OnnxModel.load(dir.resolve(name).resolve(ApplyStep.SIMULATED));
    }

    private static ModelLayers layers(OnnxModel model) {
        return ModelLayers.of(model, Grouping.QSVIT);
    }

    @Test
    void realArtifactsHaveTheFloatModelsLayersAndGroups() {
        for (String name : MODELS) {
            // apply quantizes the prepared model (Spikformer's Linear weights stored as the MatMul reads them)
            ModelLayers original = layers(PreparedModels.prepare(OnnxModel.load(Examples.model(name))).model());
            ModelLayers real = layers(real(name));
            assertEquals(describe(original), describe(real), name);
            assertEquals(original.groups().stream().map(g -> g.name() + " " + g.kind() + " " + g.params()).toList(),
                    real.groups().stream().map(g -> g.name() + " " + g.kind() + " " + g.params()).toList(), name);
            // every layer is encoded except the float32 head, which stays a plain initializer
            List<String> plain = real.layers().stream().filter(l -> !l.encoded()).map(Layer::path).toList();
            assertEquals(List.of("head"), plain, name);
        }
        assertEquals(33, layers(real("sdtv2")).layers().size());
        assertEquals(17, layers(real("spikformer")).layers().size());
        assertEquals(18, real("spikformer").opset()); // packed codes need the bitwise operators of 18
    }

    /** What identifies a layer for grouping, quantizing and costing. */
    private static List<String> describe(ModelLayers model) {
        return model.layers().stream().map(l -> String.join(" ", l.path(), l.tensorName(), l.opType(), l.nodeName(),
                java.util.Arrays.toString(l.dims()), Integer.toString(l.channelAxis()), l.via().toString())).toList();
    }

    @Test
    void decodedWeightsEqualTheSimulatedWeightsBitForBit() {
        for (String name : MODELS) {
            ModelLayers real = layers(real(name));
            ModelLayers simulated = layers(simulated(name));
            LayerWeights decoded = LayerWeights.of(real.model());
            LayerWeights stored = LayerWeights.of(simulated.model());
            for (int i = 0; i < real.layers().size(); i++) {
                assertArrayEquals(stored.floats(simulated.layers().get(i)), decoded.floats(real.layers().get(i)),
                        name + " " + real.layers().get(i).path());
            }
        }
    }

    /**
     * The decode nodes' outputs, made graph outputs, as ONNX Runtime computes them from the codes: the float weight,
     * or for a layer in the integer form its int32 levels, which times the scale are the same weight.
     */
    @Test
    void onnxRuntimeDecodesTheCodesToTheSameWeights() throws OrtException {
        for (String name : MODELS) {
            ModelLayers real = layers(real(name));
            GraphProto.Builder graph = real.model().proto().getGraph().toBuilder();
            for (Layer layer : real.layers()) {
                int type = integer(layer) ? TensorProto.DataType.INT32_VALUE : TensorProto.DataType.FLOAT_VALUE;
                graph.addOutput(ValueInfoProto.newBuilder().setName(layer.tensorName()).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))));
            }
            ModelProto probe = real.model().proto().toBuilder().setGraph(graph).build();
            LayerWeights decoded = LayerWeights.of(real.model());
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = Sessions.options(2);
                 OrtSession session = Sessions.create(probe, real.model(), options);
                 OnnxTensor image = OnnxTensor.createTensor(env, FloatBuffer.allocate(28 * 28), new long[] {1, 1, 28, 28});
                 OrtSession.Result result = session.run(Map.of(graph.getInput(0).getName(), image))) {
                int integers = 0;
                for (Layer layer : real.layers()) {
                    OnnxTensor computed = (OnnxTensor) result.get(layer.tensorName()).orElseThrow();
                    float[] values = integer(layer) ? scaled(computed.getIntBuffer(), layer, real.model())
                            : computed.getFloatBuffer().array();
                    assertArrayEquals(values, decoded.floats(layer), name + " " + layer.path());
                    integers += integer(layer) ? 1 : 0;
                }
                assertTrue(integers > 0, name + ": the ort-cpu runtime gives some layers integer kernels");
            }
        }
    }

    private static boolean integer(Layer layer) {
        return layer.encoded() && layer.encoding().unit() != null;
    }

    /** K * scale of the channel, one float multiply, as the integer form computes it after the int32 sum. */
    private static float[] scaled(java.nio.IntBuffer levels, Layer layer, OnnxModel model) {
        TensorProto scaleTensor = model.proto().getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(layer.encoding().scale())).findFirst().orElseThrow();
        float[] scales = io.qsvit.model.TensorData.floats(scaleTensor, model);
        int[] dims = layer.dims();
        int axis = layer.encoding().scaleAxis();
        int inner = 1;
        for (int d = axis + 1; axis >= 0 && d < dims.length; d++) {
            inner *= dims[d];
        }
        float[] values = new float[levels.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = levels.get(i) * scales[axis < 0 ? 0 : i / inner % dims[axis]];
        }
        return values; // pow2: levels 2^(n-1-j) times scale * 2^-(n-1), exact products
    }

    @Test
    void sessionOnTheRealArtifactScoresExactlyLikeTheSimulatedModel() {
        for (String name : MODELS) {
            float[][] expected;
            try (OnnxClassifier simulated = OnnxClassifier.open(dir.resolve(name).resolve(ApplyStep.SIMULATED).resolve("model.onnx"), 2)) {
                expected = simulated.scores(images, 250);
            }
            OnnxModel realModel = real(name);
            Setting recorded = Setting.recordedIn(realModel).orElseThrow();
            try (EvaluationSession session = EvaluationSession.open(layers(realModel), 2)) {
                float[][] decoded = session.run(images, 250).scores();
                assertScoresEqual(expected, decoded, name + ": decoded weights");
                // its own setting again: symmetric and pow2 weights stay bit for bit, asymmetric ones move by at
                // most 2 ulps (see below), which changes no score of these spiking models
                session.use(recorded);
                assertScoresEqual(expected, session.run(images, 250).scores(), name + ": own setting again");
            }
            // and the float model under the recorded setting is the same model again
            try (EvaluationSession session = EvaluationSession.open(layers(OnnxModel.load(Examples.model(name))), 2)) {
                session.use(recorded);
                assertScoresEqual(expected, session.run(images, 250).scores(), name + ": float model + setting");
            }
        }
    }

    private static void assertScoresEqual(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], what + ", image " + i);
        }
    }

    @Test
    void applyingASettingToARealArtifactQuantizesWhatItComputes() throws IOException {
        Path other = Files.writeString(dir.resolve("other.yaml"), "default: uniform6\ngroups: {stage3.block1: pow2-3, head: uniform8}\n");
        ApplyStep.run(dir.resolve("sdtv2").resolve(ApplyStep.REAL), other, dir.resolve("from-real"));
        ApplyStep.run(dir.resolve("sdtv2").resolve(ApplyStep.SIMULATED), other, dir.resolve("from-simulated"));
        for (String form : List.of(ApplyStep.SIMULATED, ApplyStep.REAL)) {
            assertSameWeights(dir.resolve("from-simulated").resolve(form), dir.resolve("from-real").resolve(form));
        }
    }

    /**
     * The artifact's own setting applied to its decoded weights: symmetric uniform and pow2 quantization give
     * them back bit for bit. Asymmetric uniform recomputes its range from the decoded weights, and the rounded
     * scale can move by an ulp (see Quantizer): measured here, at most 2 ulps on a few percent of the weights.
     */
    @Test
    void ownSettingAgainGivesBackSymmetricAndPow2WeightsExactlyAndAsymmetricOnesWithinTwoUlps() {
        for (String name : MODELS) {
            ModelLayers real = layers(real(name));
            Setting own = Setting.recordedIn(real.model()).orElseThrow();
            LayerWeights decoded = LayerWeights.of(real.model());
            long moved = 0;
            for (Group group : real.groups()) {
                Scheme scheme = own.schemeOf(group);
                for (Layer layer : group.layers()) {
                    float[] weights = decoded.floats(layer);
                    float[] again = Quantizer.quantize(weights, layer.dims(), layer.channelAxis(), scheme).dequantize();
                    if (scheme instanceof Scheme.Uniform u && !u.symmetric()) {
                        for (int i = 0; i < weights.length; i++) {
                            int ulps = Math.abs(Float.floatToIntBits(weights[i]) - Float.floatToIntBits(again[i]));
                            assertTrue(ulps <= 2, name + " " + layer.path() + " weight " + i + " moved " + ulps + " ulps");
                            moved += ulps > 0 ? 1 : 0;
                        }
                    } else {
                        assertArrayEquals(weights, again, name + " " + layer.path());
                    }
                }
            }
            assertTrue(moved > 0, name + ": the asymmetric block is expected to move; if not, tighten this test");
        }
    }

    private static void assertSameWeights(Path expected, Path actual) {
        ModelLayers a = layers(OnnxModel.load(expected));
        ModelLayers b = layers(OnnxModel.load(actual));
        assertEquals(describe(a), describe(b));
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(LayerWeights.of(a.model()).floats(a.layers().get(i)),
                    LayerWeights.of(b.model()).floats(b.layers().get(i)), actual + " " + a.layers().get(i).path());
        }
    }

    @Test
    void realArtifactRecordsItsSetting() {
        Setting recorded = Setting.recordedIn(real("sdtv2")).orElseThrow();
        assertEquals("uniform8", recorded.fallback().id());
        assertEquals("pow2-4:mse", recorded.groups().get("stage3.block1").id());
        assertEquals("uniform4-asym:mse", recorded.groups().get("stage4.block1").id());
        assertEquals("uniform4:p99.9", recorded.groups().get("stage3.downsample").id());
        assertEquals(recorded, Setting.recordedIn(simulated("sdtv2")).orElseThrow());
        assertEquals(java.util.Optional.empty(), Setting.recordedIn(OnnxModel.load(Examples.model("sdtv2"))));
        Group head = layers(real("sdtv2")).groups().get(layers(real("sdtv2")).groups().size() - 1);
        assertEquals("float32", recorded.schemeOf(head).id());
    }
}
