package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run-time forms of real artifacts on both reference models and the bundled Fashion-MNIST images (all 2,000
 * at uniform8, the first 500 at a mixed setting of every family; about 2-3 minutes on an idle 2-core machine):
 * the real model's logits equal the simulated model's bit for bit under both runtimes (the simulated model computes
 * the spike-input layers the integer kernels take as integer levels, then the scale, so the sums are exact integers
 * in both); the stored weight bytes follow the bits.
 */
class RuntimeFormsTest {
    /** Every family and width the integer form takes, and some it does not (asymmetric 8 bits, pow2-5). */
    static final String MIXED = """
            default: uniform8
            groups:
              stage1.downsample: uniform5
              stage3.block1: pow2-4
              stage3.block2: uniform4-asym
              stage4.block1: uniform3
              stage4.downsample: pow2-5
              stage2.block1: uniform8-asym
              head: uniform6
            """;
    static final String SPIKFORMER_MIXED = """
            default: uniform8
            groups:
              patch_split.conv1: uniform5
              blocks.0: pow2-4
              blocks.1: uniform4-asym
              head: uniform6
            """;
    static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Dataset images;

    @BeforeAll
    static void load() {
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT);
    }

    private static Path apply(String model, String setting, Runtime runtime, String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), setting);
        Path out = dir.resolve(name);
        ApplyStep.run(Examples.model(model), file, out, false, Preprocessing.NONE, runtime);
        return out;
    }

    private static float[][] scores(Path model, Dataset on) {
        try (OnnxClassifier classifier = OnnxClassifier.open(model.resolve("model.onnx"), 2)) {
            return classifier.scores(on, 250);
        }
    }

    /** The largest |real - simulated| over an image's logits, relative to its largest |simulated logit|. */
    static double maxRelativeDifference(float[][] simulated, float[][] real) {
        double worst = 0;
        for (int i = 0; i < simulated.length; i++) {
            worst = Math.max(worst, relativeDifference(simulated[i], real[i]));
        }
        return worst;
    }

    static double relativeDifference(float[] simulated, float[] real) {
        double scale = 0;
        double worst = 0;
        for (float v : simulated) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int c = 0; c < simulated.length; c++) {
            worst = Math.max(worst, Math.abs(real[c] - simulated[c]) / scale);
        }
        return worst;
    }

    static long imagesBeyond(float[][] simulated, float[][] real, double tolerance) {
        long n = 0;
        for (int i = 0; i < simulated.length; i++) {
            n += relativeDifference(simulated[i], real[i]) > tolerance ? 1 : 0;
        }
        return n;
    }

    @Test
    void realLogitsEqualSimulatedOnesWithEitherRuntime() throws IOException {
        for (String model : List.of("sdtv2", "spikformer")) {
            String mixed = model.equals("sdtv2") ? MIXED : SPIKFORMER_MIXED;
            for (String setting : List.of("default: uniform8\n", mixed)) {
                float[][] simulated = null; // the same simulated model for both runtimes (checked below)
                for (Runtime runtime : Runtime.values()) {
                    String name = model + "-" + runtime.id() + "-" + (setting.equals(mixed) ? "mixed" : "uniform8");
                    Path out = apply(model, setting, runtime, name);
                    // uniform8 on all 2,000 images (where a flip was measured), the mixed setting on the first 500
                    Dataset on = setting.equals(mixed) ? images.first(500) : images;
                    if (simulated == null) {
                        simulated = scores(out.resolve(ApplyStep.SIMULATED), on);
                    }
                    float[][] real = scores(out.resolve(ApplyStep.REAL), on);
                    double difference = maxRelativeDifference(simulated, real);
                    long beyond = imagesBeyond(simulated, real, TOLERANCE);
                    System.out.printf("%s: max relative logit difference real vs simulated %.3g on %d images, %d beyond 1e-5%n",
                            name, difference, on.size(), beyond);
                    assertEquals(0.0, difference, name); // the same exact sums, one rounding by the same scale
                    assertEquals(0, beyond, name);
                    assertTrue(integerLayers(out, runtime) >= 2, name);
                }
            }
        }
    }

    /** Layers the real model runs as levels through the operator, as the layer finder reads them back. */
    private static long integerLayers(Path out, Runtime runtime) throws IOException {
        ModelLayers real = ModelLayers.of(OnnxModel.load(out.resolve(ApplyStep.REAL)), Grouping.QSVIT);
        long found = real.layers().stream().filter(Layer::encoded).filter(l -> l.encoding().unit() != null).count();
        JsonNode forms = JSON.readTree(out.resolve("metadata.json").toFile()).at("/results/runtime/forms");
        String form = runtime == Runtime.ORT_CPU ? "integer" : "levels";
        assertEquals(found, forms.path(form).asLong(0), out + ": metadata agrees with the file");
        return found;
    }

    /** The evaluate step runs the integer form itself (fixed weights): same results as on the simulated model. */
    @Test
    void evaluateReadsTheIntegerFormLikeTheSimulatedModel() throws IOException {
        Path out = apply("sdtv2", "default: uniform8\n", Runtime.ORT_CPU, "evaluated-ort");
        io.qsvit.eval.EvaluationData data = new io.qsvit.eval.EvaluationData(Examples.subset(),
                io.qsvit.eval.data.DataFormat.AUTO, IdxDataset.TEST_SPLIT, 500, null);
        EvaluateStep.run(new EvaluateStep.Request(out, out.resolve(ApplyStep.SIMULATED), data, null, 250, 2),
                dir.resolve("evaluation"));
        JsonNode results = JSON.readTree(dir.resolve("evaluation/metadata.json").toFile()).get("results");
        assertEquals(1.0, results.at("/comparison/agreement").asDouble());
        assertEquals(results.at("/baseline/correct").asInt(), results.at("/model/correct").asInt());
        assertEquals(results.at("/baseline/energy/microjoules_per_image").asDouble(),
                results.at("/model/energy/microjoules_per_image").asDouble(), 1e-12); // same spikes, same MACs
        assertEquals("uniform8", results.at("/model/setting/default").asText());
    }

    @Test
    void storedWeightBytesFollowTheBitsForEveryWidth() throws IOException {
        for (String scheme : List.of("uniform2", "uniform3", "uniform4", "uniform5", "uniform6", "uniform7", "uniform8",
                "uniform16", "uniform3-asym", "uniform7-asym", "pow2-3", "pow2-6", "uniform4-tensor")) {
            Path out = apply("sdtv2", "default: " + scheme + "\n", Runtime.DEFAULT, "bytes-" + scheme);
            JsonNode file = JSON.readTree(out.resolve("metadata.json").toFile()).at("/results/real_model");
            double ratio = file.path("weights_ratio_to_accounted").asDouble();
            System.out.printf("%s: stored weight bytes %d, accounted %d (%.4f)%n", scheme,
                    file.path("weights_bytes").asLong(), file.path("accounted_weights_bytes").asLong(), ratio);
            assertTrue(ratio >= 0.98 && ratio <= 1.02, scheme + ": " + ratio);
        }
    }

    @Test
    void bothRuntimesStoreTheSameCodesAndDecodeTheSameWeights() throws IOException {
        Path ort = apply("sdtv2", MIXED, Runtime.ORT_CPU, "same-ort");
        Path portable = apply("sdtv2", MIXED, Runtime.PORTABLE, "same-portable");
        ModelLayers a = ModelLayers.of(OnnxModel.load(ort.resolve(ApplyStep.REAL)), Grouping.QSVIT);
        ModelLayers b = ModelLayers.of(OnnxModel.load(portable.resolve(ApplyStep.REAL)), Grouping.QSVIT);
        io.qsvit.quant.LayerWeights wa = io.qsvit.quant.LayerWeights.of(a.model());
        io.qsvit.quant.LayerWeights wb = io.qsvit.quant.LayerWeights.of(b.model());
        for (int i = 0; i < a.layers().size(); i++) {
            assertEquals(a.layers().get(i).path(), b.layers().get(i).path());
            assertArrayEquals(wb.floats(b.layers().get(i)), wa.floats(a.layers().get(i)), a.layers().get(i).path());
        }
        assertArrayEquals(Files.readAllBytes(ort.resolve(ApplyStep.SIMULATED).resolve("model.onnx")),
                Files.readAllBytes(portable.resolve(ApplyStep.SIMULATED).resolve("model.onnx")));
    }
}
