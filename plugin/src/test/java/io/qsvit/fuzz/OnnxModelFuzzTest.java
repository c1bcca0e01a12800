package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;

import java.nio.file.Path;

/** The ONNX reader (from a file, as every command reads one), its checks and the graph walk that finds layers. */
class OnnxModelFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("onnx");

    @FuzzTest(maxDuration = "5s")
    void readAndFindLayers(byte[] bytes) {
        Path model = FuzzFiles.write(FILES.fresh().resolve("model.onnx"), bytes);
        FuzzProperty.check(() -> ModelLayers.of(OnnxModel.load(model), Grouping.QSVIT), layers -> {
            FuzzProperty.require(!layers.layers().isEmpty(), "a model with layers");
            layers.layers().forEach(l -> FuzzProperty.require(l.params() >= 0, "layer sizes"));
            FuzzProperty.require(!layers.groups().isEmpty(), "groups");
        });
    }

    /** For Jazzer's command line (a long campaign by hand). */
    public static void fuzzerTestOneInput(byte[] bytes) {
        new OnnxModelFuzzTest().readAndFindLayers(bytes);
    }
}
