package io.qsvit.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(0.855, r.qsvitAccuracy(), 1e-12); // 171 of 200 with 8-bit weights (float: 172)
        assertEquals(200, r.tribuoExamples());
        assertEquals(4 * 2 * 34 * 34, r.tribuoFeatures()); // one feature per frame value
    }
}
