package io.qsvit.bench;

import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the benchmark runnable; its numbers are only meaningful at full scale, run by hand. */
class ApplyBenchmarkTest {
    @Test
    void fullScaleSyntheticModelHasSdtv2_55mWeights() {
        // counted without building it: per stage a 3x3 downsample and blocks of 4 c*c + 2 * 4c*c weights
        long params = 0;
        int in = 3;
        int[] channels = {64, 128, 256, 512};
        int[] blocks = {2, 2, 6, 4};
        for (int s = 0; s < 4; s++) {
            int c = (int) Math.round(channels[s] * 1.7);
            params += (long) c * in * 9 + blocks[s] * 12L * c * c;
            in = c;
        }
        assertEquals(55_857_441, params);
    }

    @Test
    void smallScaleRunPrintsMediansRatiosAndHeap(@TempDir Path dir) throws IOException {
        StringWriter out = new StringWriter();
        ApplyBenchmark.run(0.1, 1, dir, new PrintWriter(out));
        String report = out.toString();
        for (String line : new String[] {"plain byte copy", "protobuf read + write", "apply (both artifacts)",
                "ratio apply / byte copy", "ratio apply / protobuf r+w", "peak heap during apply"}) {
            assertTrue(report.contains(line), report);
        }
        ModelLayers model = ModelLayers.of(OnnxModel.load(dir.resolve("synthetic/model.onnx")), Grouping.QSVIT);
        assertEquals(4 + (2 + 2 + 6 + 4), model.groups().size()); // 4 downsamples and 14 blocks
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("apply-")), "apply outputs are removed");
        }
    }
}
