package io.qsvit.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed reference models are what their manifests say: same bytes, and exactly the recorded
 * ONNX Runtime accuracy, so a changed model, data file or evaluator cannot slip through.
 */
class ReferenceModelsTest {
    /** The image models (the event model has its own test, EventReferenceModelTest). */
    static List<Path> manifests() throws IOException {
        try (Stream<Path> folders = Files.list(Examples.root().resolve("models"))) {
            return folders.map(folder -> folder.resolve("MANIFEST.json")).filter(Files::isRegularFile)
                    .filter(m -> read(m).at("/input/name").asText().equals("image")).sorted().toList();
        }
    }

    static JsonNode read(Path manifest) {
        try {
            return new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void bothReferenceArchitecturesAreCommitted() throws IOException {
        // sdtv2-retrained: the SDTv2 model trained two more epochs, the retraining flow's new model
        assertEquals(List.of("sdtv2", "sdtv2", "spikformer"),
                manifests().stream().map(m -> read(m).get("architecture").asText()).toList());
        assertEquals(List.of("sdtv2-retrained", "sdtv2", "spikformer"), // sorted by path: '-' before '/'
                manifests().stream().map(m -> m.getParent().getFileName().toString()).toList());
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void modelFileMatchesManifestDigest(Path manifest) throws Exception {
        JsonNode m = read(manifest);
        byte[] model = Files.readAllBytes(manifest.resolveSibling(m.get("file").asText()));
        assertEquals(m.get("bytes").asLong(), model.length);
        assertEquals(m.get("sha256").asText(), sha256(model));
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void bundledSubsetAccuracyIsExactlyTheManifests(Path manifest) {
        JsonNode expected = read(manifest).at("/accuracy_onnxruntime/bundled_subset_2000");
        Dataset data = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT);
        assertEquals(expected.get("total").asInt(), data.size());
        assertEquals(expected.get("correct").asInt(), correct(manifest, data));
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void fullTestSetAccuracyIsExactlyTheManifests(Path manifest) {
        assumeTrue(Files.isDirectory(Examples.FULL_FASHION_MNIST), "needs Debian's dataset-fashion-mnist");
        JsonNode expected = read(manifest).at("/accuracy_onnxruntime/fashion_mnist_test_10000");
        Dataset data = IdxDataset.load(Examples.FULL_FASHION_MNIST, IdxDataset.TEST_SPLIT);
        assertEquals(10_000, data.size());
        assertEquals(expected.get("correct").asInt(), correct(manifest, data));
    }

    private static int correct(Path manifest, Dataset data) {
        try (OnnxClassifier model = OnnxClassifier.open(manifest.resolveSibling("model.onnx"), 2)) {
            return Accuracy.topK(model.scores(data, 250), data, 1).correct();
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
