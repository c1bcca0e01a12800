package io.qsvit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.api.QuantizationProvenance;
import io.qsvit.api.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TribuoQuantizationTest {
    static final Path EXAMPLES = Path.of(System.getProperty("qsvit.examples", "."));

    @Test
    void tribuoEvaluatesTheModelBeforeAndAfterQsvitQuantizesIt(@TempDir Path out) throws Exception {
        Path model = EXAMPLES.resolve("models/sdtv2/model.onnx");
        Path data = EXAMPLES.resolve("data/fashion-mnist-2000");
        Path settingFile = EXAMPLES.resolve("settings/sdtv2-uniform8-downsample4.yaml");
        TribuoQuantization.Result r = TribuoQuantization.run(EXAMPLES.resolve("tribuo/quantizer.xml"), model, data,
                settingFile, out);

        assertEquals(2000, r.data().examples());
        // the digest every qsvit step records for this folder (its files' paths and contents)
        assertEquals("e09917a7ecdc41351644be7a20d5b4a7fbdcf0bc36e75f2973d0678696f2ead0", r.data().contentSha256());
        assertEquals(1786, Math.round(r.before().accuracy() * 2000)); // the manifest's 0.8930 on the bundled subset
        assertEquals(0.8930, r.before().accuracy(), 1e-12);
        assertEquals(0.8870, r.after().accuracy(), 1e-12); // the README's figure for this setting
        double drop = r.before().accuracy() - r.after().accuracy();
        assertTrue(Math.abs(drop) <= 0.02, "accuracy " + r.before().accuracy() + " -> " + r.after().accuracy());

        QuantizationProvenance q = r.quantization(); // as read back from the saved Tribuo model
        assertTrue(Files.isRegularFile(r.savedModel()));
        assertEquals(Setting.read(settingFile).toJson(), q.setting());
        assertEquals(Map.of("stage1.downsample", "uniform4", "stage1.block1", "uniform8",
                "stage2.downsample", "uniform4", "stage2.block1", "uniform8", "stage3.downsample", "uniform4",
                "stage3.block1", "uniform8", "stage3.block2", "uniform8", "stage4.downsample", "uniform4",
                "stage4.block1", "uniform8", "head", "uniform8"), q.schemes());
        String manifestDigest = new ObjectMapper().readTree(EXAMPLES.resolve("models/sdtv2/MANIFEST.json").toFile())
                .get("sha256").asText();
        assertEquals(manifestDigest, q.sourceModelSha256());
        assertEquals("real", q.form());
        assertEquals(settingFile.toString(), q.quantizer().get("settingFile")); // the OLCUT configuration, as run
    }
}
