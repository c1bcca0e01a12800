package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.quant.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real model is exact under both runtimes: on both reference models, for uniform8, uniform4, pow2-4 and a
 * mixed setting, the real model's logits equal the simulated model's (largest relative difference 0, within the
 * required 1e-5) and no prediction changes, on the first 200 bundled images; the simulated model is the same file
 * for both runtimes; the integer (ort-cpu) and levels (portable) forms are taken where the rule says, and the
 * metadata names the form of every layer. About 40-60 s on a 2-core machine.
 */
class ExactRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IMAGES = 200;

    @TempDir
    static Path dir;
    static Dataset images;

    @BeforeAll
    static void load() {
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "sdtv2, uniform8", "sdtv2, uniform4", "sdtv2, pow2-4", "sdtv2, mixed",
            "spikformer, uniform8", "spikformer, uniform4", "spikformer, pow2-4", "spikformer, mixed"})
    void realLogitsEqualSimulatedOnesUnderBothRuntimes(String model, String setting) throws IOException {
        String yaml = setting.equals("mixed")
                ? model.equals("sdtv2") ? RuntimeFormsTest.MIXED : RuntimeFormsTest.SPIKFORMER_MIXED
                : "default: " + setting + "\n";
        Path file = Files.writeString(dir.resolve(model + "-" + setting + ".yaml"), yaml);
        byte[] simulatedBytes = null;
        float[][] simulated = null;
        for (Runtime runtime : Runtime.values()) {
            Path out = dir.resolve(model + "-" + setting + "-" + runtime.id());
            ApplyStep.run(Examples.model(model), file, out, false, Preprocessing.NONE, runtime);
            byte[] bytes = Files.readAllBytes(out.resolve(ApplyStep.SIMULATED).resolve("model.onnx"));
            if (simulatedBytes == null) {
                simulatedBytes = bytes;
                simulated = scores(out.resolve(ApplyStep.SIMULATED));
            } else {
                assertArrayEquals(simulatedBytes, bytes, "one simulated model whatever the runtime");
            }
            float[][] real = scores(out.resolve(ApplyStep.REAL));
            double difference = RuntimeFormsTest.maxRelativeDifference(simulated, real);
            int flipped = 0;
            for (int i = 0; i < real.length; i++) {
                flipped += argmax(real[i]) != argmax(simulated[i]) ? 1 : 0;
            }
            System.out.printf("%s %s %s: max relative logit difference %.3g, %d flipped predictions of %d%n",
                    model, setting, runtime.id(), difference, flipped, real.length);
            assertTrue(difference <= 1e-5, model + " " + setting + " " + runtime.id() + ": " + difference);
            assertEquals(0.0, difference, "the same bits: " + runtime.id());
            assertEquals(0, flipped);

            JsonNode forms = JSON.readTree(out.resolve("metadata.json").toFile()).at("/results/runtime");
            String split = runtime == Runtime.ORT_CPU ? "integer" : "levels";
            String other = runtime == Runtime.ORT_CPU ? "levels" : "integer";
            long splitLayers = forms.at("/forms/" + split).asLong(0);
            assertEquals(0, forms.at("/forms/" + other).asLong(0));
            assertTrue(splitLayers >= 1, model + " " + setting + ": " + forms);
            long named = 0;
            for (JsonNode form : forms.get("layers")) {
                named += form.asText().equals(split) ? 1 : 0;
            }
            assertEquals(splitLayers, named, "every layer's form is recorded");
        }
    }

    private static float[][] scores(Path model) {
        try (OnnxClassifier classifier = OnnxClassifier.open(model.resolve("model.onnx"), 2)) {
            return classifier.scores(images, 150);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }
}
