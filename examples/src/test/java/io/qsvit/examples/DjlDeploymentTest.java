package io.qsvit.examples;

import ai.djl.util.Utils;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DjlDeploymentTest {
    static final Path EXAMPLES = Path.of(System.getProperty("qsvit.examples", "."));
    static final int IMAGES = 200;

    @Test
    void djlClassifiesThePngsAsQsvitDoesWithTheQuantizedModel(@TempDir Path work) throws Exception {
        System.setProperty("DJL_CACHE_DIR", work.resolve("djl-cache").toString()); // empty: shows what DJL writes
        Path data = EXAMPLES.resolve("data/fashion-mnist-2000");
        DjlDeployment.Result r = DjlDeployment.run(EXAMPLES.resolve("models/sdtv2/model.onnx"), data,
                EXAMPLES.resolve("settings/sdtv2-uniform8-downsample4.yaml"), work, IMAGES);

        assertEquals(IMAGES, r.truth().length);
        assertEquals(IMAGES, r.agreeing()); // every top-1 prediction equal
        assertEquals(r.qsvitAccuracy(), r.djlAccuracy());
        // and both equal qsvit's accuracy of the same model on the IDX images the PNGs were written from
        Dataset idx = IdxDataset.load(data, IdxDataset.TEST_SPLIT).first(IMAGES);
        try (OnnxClassifier classifier = OnnxClassifier.open(work.resolve("artifact/real/model.onnx"), 2)) {
            assertEquals(Accuracy.topK(classifier.scores(idx, 100), idx, 1).value(), r.djlAccuracy(), 1e-12);
        }
        assertEquals(0.9, r.djlAccuracy(), 1e-12); // 180 of 200

        assertTrue(Utils.isOfflineMode());
        try (Stream<Path> cached = Files.walk(work.resolve("djl-cache"))) {
            // the unpacked zip and nothing else: no engine or native library was fetched
            assertEquals(List.of("model.onnx", "serving.properties"),
                    cached.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
