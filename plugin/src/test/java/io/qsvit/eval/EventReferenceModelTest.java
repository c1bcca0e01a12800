package io.qsvit.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed event reference model and its bundled recordings are what their manifests say: same bytes, a
 * time axis in the input, and exactly the recorded ONNX Runtime accuracy on the bundled subset.
 */
class EventReferenceModelTest {
    static final Path FOLDER = Examples.root().resolve("models/spikformer-dvs");

    static JsonNode manifest(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void modelAndRecordingsMatchTheirManifests() throws Exception {
        JsonNode m = manifest(FOLDER.resolve("MANIFEST.json"));
        byte[] model = Files.readAllBytes(FOLDER.resolve(m.get("file").asText()));
        assertEquals(m.get("bytes").asLong(), model.length);
        assertEquals(m.get("sha256").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)));
        JsonNode data = manifest(Examples.eventSubset().resolve("MANIFEST.json"));
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        int count = 0;
        try (Stream<Path> files = Files.walk(Examples.eventSubset())) {
            // the digest the subset script records: class/name: and the bytes, classes and names in order
            List<Path> recordings = files.filter(p -> p.toString().endsWith(".bin")).sorted((a, b) -> {
                int byClass = Integer.compare(Integer.parseInt(a.getParent().getFileName().toString()),
                        Integer.parseInt(b.getParent().getFileName().toString()));
                return byClass != 0 ? byClass : Integer.compare(index(a), index(b));
            }).toList();
            for (Path p : recordings) {
                digest.update((p.getParent().getFileName() + "/" + p.getFileName() + ":").getBytes());
                digest.update(Files.readAllBytes(p));
                count++;
            }
        }
        assertEquals(data.get("count").asInt(), count);
        assertEquals(data.get("sha256_of_class_and_name_and_bytes_in_order").asText(), HexFormat.of().formatHex(digest.digest()));
    }

    private static int index(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(0, name.length() - 4));
    }

    @Test
    void theInputHasATimeAxisAndTheBundledAccuracyIsExactlyTheManifests() throws Exception {
        JsonNode expected = manifest(FOLDER.resolve("MANIFEST.json")).at("/accuracy_onnxruntime/bundled_subset_200");
        ModelLayers layers = ModelLayers.of(OnnxModel.load(FOLDER.resolve("model.onnx")), Grouping.QSVIT);
        try (EvaluationSession session = EvaluationSession.openFixed(layers, 2)) {
            assertEquals(new InputLayout(0, 1), session.layout());
            assertEquals(SampleShape.of(4, 2, 34, 34), session.sampleShape());
            Dataset data = Datasets.open(Examples.eventSubset(), DatasetSpec.detect().withShape(session.sampleShape()));
            assertEquals(DataFormat.EVENTS, Datasets.detect(Examples.eventSubset()));
            assertEquals(expected.get("total").asInt(), data.size());
            assertEquals(expected.get("correct").asInt(),
                    Accuracy.topK(session.run(data, 50).scores(), data, 1).correct());
        }
    }
}
