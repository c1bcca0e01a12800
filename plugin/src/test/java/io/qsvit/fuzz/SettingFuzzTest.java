package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.quant.Setting;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Setting files, YAML or JSON (the first byte chooses), as apply and the pipeline configuration read them. */
class SettingFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("setting");

    @FuzzTest(maxDuration = "5s")
    void read(byte[] input) {
        Parts data = new Parts(input);
        String name = data.choice(2) == 0 ? "setting.yaml" : "setting.json";
        Path file = FuzzFiles.write(FILES.fresh().resolve(name), data.rest());
        FuzzProperty.check(() -> Setting.read(file), setting -> {
            FuzzProperty.require(setting.grouping() != null, "a grouping");
            FuzzProperty.require(new String(io.qsvit.artifact.Digests.canonicalJson(setting).getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8).startsWith("{"), "serialisable");
        });
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new SettingFuzzTest().read(input);
    }
}
