package io.qsvit.tribuo;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ToolVersion;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.PixelFeatures;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.quant.QuantizedArtifacts.Form;
import io.qsvit.quant.Setting;
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
    static Path artifact;

    @BeforeAll
    static void quantize() throws IOException, OrtException {
        Path settingFile = Files.writeString(dir.resolve("setting.yaml"), SETTING);
        setting = Setting.read(settingFile);
        artifact = dir.resolve("artifact");
        ApplyStep.run(Examples.model("sdtv2"), settingFile, artifact);
        Map<Label, Integer> outputs = new HashMap<>();
        for (int c = 0; c < 10; c++) {
            outputs.put(new Label(Integer.toString(c)), c);
        }
        floatModel = ONNXExternalModel.createOnnxModel(new LabelFactory(), PixelFeatures.mapping(784), outputs,
                new ImageTransformer(1, 28, 28), new LabelTransformer(), new OrtSession.SessionOptions(),
                Examples.model("sdtv2"), "image");
        quantized = TribuoQuantizer.quantize(floatModel, setting, Form.REAL);
    }

    @AfterAll
    static void close() {
        floatModel.close();
        quantized.close();
    }

    @Test
    void theQuantizedOnnxBytesAreApplysModels() throws IOException {
        assertArrayEquals(Files.readAllBytes(artifact.resolve("real/model.onnx")), onnxBytes(quantized));
        try (ONNXExternalModel<Label> simulated = TribuoQuantizer.quantize(floatModel, setting, Form.SIMULATED)) {
            assertArrayEquals(Files.readAllBytes(artifact.resolve("simulated/model.onnx")), onnxBytes(simulated));
        }
    }

    @Test
    void provenanceRecordsSettingSchemesDigestsAndVersion() throws IOException {
        QuantizationProvenance q = QuantizationProvenance.of(quantized.getProvenance()).orElseThrow();
        assertEquals(Digests.canonicalJson(setting), q.setting());
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
        String message = assertThrows(UserInputException.class, () -> TribuoQuantizer.quantize(floatModel, other, Form.REAL)).getMessage();
        assertTrue(message.startsWith("setting names group 'stage9.block1', which the model does not have (its groups: stage1.downsample, "), message);
    }

    private static byte[] onnxBytes(ONNXExternalModel<?> model) throws IOException {
        return model.serialize().getSerializedData().unpack(ONNXExternalModelProto.class).getModelArray().toByteArray();
    }
}
