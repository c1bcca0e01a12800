package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.InputLimits;
import io.qsvit.pipeline.PipelineConfig;

import java.nio.file.Path;

/** Pipeline configurations (qsvit run --config), YAML or JSON. */
class PipelineConfigFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("pipeline");

    @FuzzTest(maxDuration = "5s")
    void read(byte[] input) {
        Parts data = new Parts(input);
        String name = data.choice(2) == 0 ? "pipeline.yaml" : "pipeline.json";
        Path file = FuzzFiles.write(FILES.fresh().resolve(name), data.rest());
        FuzzProperty.check(() -> PipelineConfig.read(file), config -> {
            FuzzProperty.require(config.batch() >= 1 && config.batch() <= InputLimits.MAX_BATCH, "batch in range");
            FuzzProperty.require(config.threads() >= 1, "threads in range");
            FuzzProperty.require(config.requirement() != null && config.apply() != null, "defaults filled in");
        });
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new PipelineConfigFuzzTest().read(input);
    }
}
