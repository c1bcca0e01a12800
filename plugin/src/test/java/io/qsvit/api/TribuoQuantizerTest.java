package io.qsvit.api;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import io.qsvit.Examples;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ToolVersion;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.PixelFeatures;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.interop.onnx.ImageTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;
import org.tribuo.interop.onnx.protos.ONNXExternalModelProto;
import org.tribuo.provenance.ModelProvenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TribuoQuantizerTest {
    static final String SETTING = """
            default: uniform8
            groups: {stage1.downsample: uniform4, stage2.downsample: uniform4, stage3.downsample: uniform4,
                     stage4.downsample: uniform4, stage3.block1: float32}
            """;

    @TempDir
    static Path dir;
    static ONNXExternalModel<Label> floatModel;
    static ONNXExternalModel<Label> quantized;
    static Setting setting;
    static TribuoQuantizer quantizer;
    static Path artifact;

    @BeforeAll
    static void quantize() throws IOException, OrtException {
        Path settingFile = Files.writeString(dir.resolve("setting.yaml"), SETTING);
        setting = Setting.read(settingFile);
        quantizer = new TribuoQuantizer(setting);
        artifact = dir.resolve("artifact");
        ApplyStep.run(Examples.model("sdtv2"), settingFile, artifact);
        Map<Label, Integer> outputs = new HashMap<>();
        for (int c = 0; c < 10; c++) {
            outputs.put(new Label(Integer.toString(c)), c);
        }
        floatModel = ONNXExternalModel.createOnnxModel(new LabelFactory(), PixelFeatures.mapping(784), outputs,
                new ImageTransformer(1, 28, 28), new LabelTransformer(), new OrtSession.SessionOptions(),
                Examples.model("sdtv2"), "image");
        quantized = quantizer.quantize(floatModel);
    }

    @AfterAll
    static void close() {
        floatModel.close();
        quantized.close();
    }

    @Test
    void theQuantizedOnnxBytesAreApplysModels() throws IOException {
        assertArrayEquals(Files.readAllBytes(artifact.resolve("real/model.onnx")), onnxBytes(quantized));
        try (ONNXExternalModel<Label> simulated = new TribuoQuantizer(setting, Form.SIMULATED).quantize(floatModel)) {
            assertArrayEquals(Files.readAllBytes(artifact.resolve("simulated/model.onnx")), onnxBytes(simulated));
        }
    }

    @Test
    void provenanceRecordsSettingSchemesDigestsAndVersion() throws IOException {
        QuantizationProvenance q = QuantizationProvenance.of(quantized.getProvenance()).orElseThrow();
        assertEquals(setting.toJson(), q.setting());
        assertEquals(Map.of("class-name", TribuoQuantizer.class.getName(), "form", "real", "setting", setting.toJson()),
                q.quantizer());
        String applied = new ObjectMapper().readTree(artifact.resolve("metadata.json").toFile()).at("/inputs/setting").asText();
        assertEquals(applied, q.settingSha256());
        assertEquals(Map.of("stage1.downsample", "uniform4", "stage1.block1", "uniform8",
                "stage2.downsample", "uniform4", "stage2.block1", "uniform8", "stage3.downsample", "uniform4",
                "stage3.block1", "float32", "stage3.block2", "uniform8", "stage4.downsample", "uniform4",
                "stage4.block1", "uniform8", "head", "uniform8"), q.schemes());
        assertEquals(List.of("head", "stage1.block1", "stage1.downsample"), q.schemes().keySet().stream().limit(3).toList());
        assertEquals("a2e23858447b41bc4273bb8cd958f3ea7079867a58f99e77dc9aac0a85ad0f0c", q.sourceModelSha256()); // manifest
        assertEquals(Digests.ofFile(artifact.resolve("real/model.onnx")), q.modelSha256());
        assertEquals("real", q.form());
        assertEquals(ToolVersion.get(), q.toolVersion());
        assertEquals(ApplyStep.ALGORITHM_VERSION, q.applyAlgorithm());

        ModelProvenance source = floatModel.getProvenance();
        ModelProvenance result = quantized.getProvenance();
        assertEquals(source.getTrainerProvenance(), result.getTrainerProvenance()); // the weights' origin
        assertEquals(source.getDatasetProvenance(), result.getDatasetProvenance());
        assertEquals("real", ((StringProvenance) result.getInstanceProvenance().getMap().get("model-metadata-qsvit.form")).getValue());
        assertEquals(source.getInstanceProvenance().getMap().get("input-name"), result.getInstanceProvenance().getMap().get("input-name"));
        assertEquals(Optional.empty(), QuantizationProvenance.of(source));
        assertEquals(List.of(q), QuantizationProvenance.chainOf(result));
    }

    @Test
    void quantizingAQuantizedModelKeepsTheWholeChain() throws IOException {
        Setting second = Setting.builder().optDefault(Scheme.uniform(4)).optGroup("head", Scheme.uniform(8)).build();
        try (ONNXExternalModel<Label> twice = new TribuoQuantizer(second, Form.SIMULATED).quantize(quantized)) {
            List<QuantizationProvenance> chain = QuantizationProvenance.chainOf(twice.getProvenance());
            assertEquals(2, chain.size());
            assertEquals(QuantizationProvenance.of(quantized.getProvenance()).orElseThrow(), chain.get(0));
            assertEquals(second.toJson(), chain.get(1).setting());
            assertEquals("simulated", chain.get(1).form());
            assertEquals(chain.get(0).modelSha256(), chain.get(1).sourceModelSha256()); // the second took the first's bytes
            assertEquals("uniform4", chain.get(1).schemes().get("stage1.block1"));
            // the ONNX file says it too: the earlier setting in qsvit.history, the latest in qsvit.setting
            String history = ((StringProvenance) twice.getProvenance().getInstanceProvenance().getMap()
                    .get("model-metadata-qsvit.history")).getValue();
            assertEquals("real", new ObjectMapper().readTree(history).get(0).get("form").asText());
            assertEquals(setting.toJson(), Digests.canonicalJson(new ObjectMapper().readTree(history).get(0).get("setting")));
            // and the chain survives Tribuo's serialization
            Path file = dir.resolve("twice.tribuo");
            twice.serializeToFile(file);
            try (ONNXExternalModel<?> reloaded = (ONNXExternalModel<?>) Model.deserializeFromFile(file)) {
                assertEquals(chain, QuantizationProvenance.chainOf(reloaded.getProvenance()));
            }
        }
    }

    @Test
    void configurableThroughOlcutLikeTribuosTrainers() throws IOException {
        Path settingFile = dir.resolve("setting.yaml");
        Path config = Files.writeString(dir.resolve("quantizer.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <config>
                  <component name="quantizer" type="io.qsvit.api.TribuoQuantizer">
                    <property name="settingFile" value="%s"/>
                    <property name="form" value="real"/>
                  </component>
                </config>
                """.formatted(settingFile));
        TribuoQuantizer configured = (TribuoQuantizer) new ConfigurationManager(config.toString()).lookup("quantizer");
        assertEquals(setting, configured.setting());
        assertEquals(Form.REAL, configured.form());
        try (ONNXExternalModel<Label> fromConfig = configured.quantize(floatModel)) {
            assertArrayEquals(onnxBytes(quantized), onnxBytes(fromConfig));
        }
        // the provenance is the configuration: OLCUT rebuilds an equal quantizer from it
        TribuoQuantizerProvenance provenance = configured.getProvenance();
        assertEquals(settingFile.toString(), provenance.getConfiguredParameters().get("settingFile").toString());
        assertEquals(setting.toJson(), provenance.settingJson());
        assertEquals(Digests.ofCanonicalJson(setting.internal()), provenance.settingSha256());
        ConfigurationManager rebuilt = new ConfigurationManager();
        rebuilt.addConfiguration(ProvenanceUtil.extractConfiguration(provenance));
        TribuoQuantizer again = (TribuoQuantizer) rebuilt.lookup(rebuilt.getComponentNames().iterator().next());
        assertEquals(setting, again.setting());
        assertEquals(provenance.getConfiguredParameters(), again.getProvenance().getConfiguredParameters());
    }

    @Test
    void badConfigurationsNameTheirField() throws IOException {
        Path config = dir.resolve("bad.xml");
        for (String[] c : new String[][] {
                {"", "give exactly one of settingFile and setting"},
                {"<property name=\"setting\" value=\"{}\"/><property name=\"settingFile\" value=\"x.yaml\"/>",
                        "give exactly one of settingFile and setting"},
                {"<property name=\"setting\" value=\"{&quot;default&quot;: &quot;int8&quot;}\"/>", "setting: default: "
                        + "unknown quantization scheme 'int8': expected float32, uniform<bits>[-asym][-tensor] (2..16 bits), "
                        + "pow2-<bits>[-tensor] (2..8 bits) or fixed<bits>[:q<m>.<n>][:truncate|:nearest|:stochastic[:seed=<s>]][:saturate|:wrap] (2..32 bits)"},
                {"<property name=\"setting\" value=\"{}\"/><property name=\"form\" value=\"fake\"/>",
                        "form is 'fake'; real or simulated is expected"}}) {
            Files.writeString(config, "<config><component name=\"q\" type=\"io.qsvit.api.TribuoQuantizer\">" + c[0]
                    + "</component></config>");
            Throwable e = assertThrows(RuntimeException.class, () -> new ConfigurationManager(config.toString()).lookup("q"));
            while (!(e instanceof PropertyException) && e.getCause() != null) {
                e = e.getCause();
            }
            assertTrue(e instanceof PropertyException, e.toString());
            assertTrue(e.getMessage().endsWith(c[1]), e.getMessage());
        }
    }

    @Test
    void theExampleConfigurationLoads() {
        Path config = Examples.root().resolve("tribuo/quantizer.xml");
        ConfigurationManager manager = new ConfigurationManager(new String[] {"-c", config.toString(),
                "--@quantizer.settingFile", Examples.root().resolve("settings/sdtv2-uniform8-downsample4.yaml").toString()});
        TribuoQuantizer q = (TribuoQuantizer) manager.lookup("quantizer");
        assertEquals(Scheme.uniform(4), q.setting().schemeOf("stage1.downsample"));
        assertEquals(Form.REAL, q.form());
    }

    @Test
    void savedAndReloadedKeepsItsProvenanceAndPredictions() throws IOException {
        Path file = dir.resolve("quantized.tribuo");
        quantized.serializeToFile(file);
        try (ONNXExternalModel<?> reloaded = (ONNXExternalModel<?>) Model.deserializeFromFile(file)) {
            assertEquals(QuantizationProvenance.of(quantized.getProvenance()), QuantizationProvenance.of(reloaded.getProvenance()));
            assertEquals(quantized.getProvenance(), reloaded.getProvenance());
            ImageDataSource source = ImageDataSource.idx(Examples.subset(), IdxDataset.TEST_SPLIT);
            List<Example<Label>> first = new MutableDataset<>(source).getData().subList(0, 200);
            List<Prediction<Label>> before = quantized.predict(first);
            List<Prediction<Label>> after = reloaded.castModel(Label.class).predict(first);
            for (int i = 0; i < before.size(); i++) {
                assertEquals(before.get(i).getOutput().getLabel(), after.get(i).getOutput().getLabel(), "image " + i);
            }
            // Tribuo's accuracy of the quantized model is qsvit's accuracy of apply's real model
            Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(200);
            try (OnnxClassifier classifier = OnnxClassifier.open(artifact.resolve("real/model.onnx"), 2)) {
                Accuracy qsvit = Accuracy.topK(classifier.scores(images, 100), images, 1);
                assertEquals(qsvit.value(), new LabelEvaluator().evaluate(quantized, after, source.getProvenance()).accuracy(), 1e-12);
            }
        }
    }

    @Test
    void aSettingForAnotherModelIsRefused() throws IOException {
        Setting other = Setting.read(Files.writeString(dir.resolve("other.yaml"), "groups: {stage9.block1: uniform8}\n"));
        String message = assertThrows(QsvitException.class, () -> new TribuoQuantizer(other).quantize(floatModel)).getMessage();
        assertTrue(message.startsWith("setting names group 'stage9.block1', which the model does not have (its groups: stage1.downsample, "), message);
    }

    private static byte[] onnxBytes(ONNXExternalModel<?> model) throws IOException {
        return model.serialize().getSerializedData().unpack(ONNXExternalModelProto.class).getModelArray().toByteArray();
    }
}
