package io.qsvit.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventDeploymentTest {
    static final Path EXAMPLES = Path.of(System.getProperty("qsvit.examples", "."));

    @Test
    void djlClassifiesTheRecordingsAsQsvitDoesAndTribuoReadsThem(@TempDir Path work) throws Exception {
        System.setProperty("DJL_CACHE_DIR", work.resolve("djl-cache").toString());
        EventDeployment.Result r = EventDeployment.run(EXAMPLES.resolve("models/spikformer-dvs/model.onnx"),
                EXAMPLES.resolve("data/fashion-mnist-dvs-200"), EXAMPLES.resolve("settings/spikformer-dvs-uniform8.yaml"),
                work);
        assertEquals(200, r.truth().length);
        assertEquals(200, r.agreeing()); // every top-1 prediction equal
        assertTrue(r.qsvitAccuracy() > 0.8, "accuracy " + r.qsvitAccuracy());
        assertEquals(200, r.tribuoExamples());
        assertTrue(r.tribuoFeatures() <= 4 * 2 * 34 * 34 && r.tribuoFeatures() > 2000, "" + r.tribuoFeatures());
    }
}
