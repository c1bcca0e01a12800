package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.model.prepare.PreparationRecord;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.qsvit.model.TestGraphs.floatValue;
import static io.qsvit.model.TestGraphs.floats;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models as every step reads them: prepared once, checked against the original, the record carried along. */
class PreparationTest {
    static final Path CORPUS = Examples.root().resolve("models/corpus");

    @TempDir
    Path dir;

    /**
     * The prepared baseline against the original on 500 test images: the fold computes in ONNX Runtime's own
     * order and float32 precision (its ConvBNFusion's), and the logits come out identical, after Conv (SDTv2) and
     * after MatMul (Spikformer, both export styles).
     */
    @Test
    void thePreparedBaselineComputesWhatTheOriginalDoes() {
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(500);
        for (String name : List.of("sdtv2-batchnorm", "spikformer-opset13", "spikformer-dynamo-style")) {
            Path file = CORPUS.resolve(name + ".onnx");
            Preparation.Prepared prepared = PreparedModels.prepare(OnnxModel.load(file));
            float[][] original;
            try (OnnxClassifier c = OnnxClassifier.open(file, 2)) {
                original = c.scores(images, 250);
            }
            float[][] after;
            try (EvaluationSession s = EvaluationSession.openFixed(ModelLayers.of(prepared.model(), Grouping.QSVIT), 2)) {
                after = s.run(images, 250).scores();
            }
            int within = 0;
            int sameClass = 0;
            for (int i = 0; i < original.length; i++) {
                double max = 0;
                double scale = 0;
                for (int j = 0; j < original[i].length; j++) {
                    max = Math.max(max, Math.abs((double) original[i][j] - after[i][j]));
                    scale = Math.max(scale, Math.abs(original[i][j]));
                }
                within += max <= PreparedModels.TOLERANCE * scale ? 1 : 0;
                sameClass += Accuracy.predictions(new float[][] {original[i]})[0] == Accuracy.predictions(new float[][] {after[i]})[0] ? 1 : 0;
            }
            System.out.printf("%s: %d of 500 images within 1e-4, %d the same class%n", name, within, sameClass);
            assertEquals(500, within, name + ": images within " + PreparedModels.TOLERANCE);
            assertEquals(500, sameClass, name + ": images classified alike");
        }
    }

    @Test
    void theRecordTravelsIntoTheArtifactsAndPreparingAgainChangesNothing() throws IOException {
        Path model = CORPUS.resolve("sdtv2-batchnorm.onnx");
        Preparation.Prepared prepared = PreparedModels.prepare(OnnxModel.load(model));
        PreparationRecord record = prepared.record();
        assertEquals(32, record.folded().size());
        assertEquals("Conv", record.folded().get(0).op());
        assertEquals(8, record.check().within());
        assertEquals(0.0, record.check().maxRelative());
        assertEquals(record, Preparation.recordedIn(prepared.model()).orElseThrow());

        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\n");
        ApplyStep.run(model, setting, dir.resolve("applied"));
        for (String form : List.of(ApplyStep.REAL, ApplyStep.SIMULATED)) {
            OnnxModel artifact = OnnxModel.load(dir.resolve("applied").resolve(form));
            assertEquals(record, Preparation.recordedIn(artifact).orElseThrow(), form);
            Preparation.Prepared again = PreparedModels.prepare(artifact);
            assertEquals(record, again.record(), form + ": an artifact keeps how it was made");
            assertEquals(artifact.proto().getGraph(), again.model().proto().getGraph(), form + ": nothing left to do");
        }
        Preparation.Prepared twice = PreparedModels.prepare(prepared.model());
        assertEquals(prepared.model().proto(), twice.model().proto());
        String metadata = Files.readString(dir.resolve("applied/metadata.json"));
        assertTrue(metadata.contains("\"preparation\" : \"" + Preparation.ID + "\""), metadata);
        assertTrue(metadata.contains("\"batchnorm_folded\""), metadata);
    }

    /** A prepared model that computes something else is caught by the check (here: one weight changed). */
    @Test
    void theCheckCatchesAPreparedModelThatComputesSomethingElse() {
        Preparation.Prepared prepared = Preparation.prepare(OnnxModel.load(CORPUS.resolve("spikformer-opset13.onnx")));
        GraphProto.Builder graph = prepared.model().proto().getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getName().equals("head.weight")) {
                graph.setInitializer(i, floats("head.weight", 99, (int) t.getDims(0), (int) t.getDims(1)));
            }
        }
        Preparation.Prepared wrong = new Preparation.Prepared(prepared.original(),
                new OnnxModel(prepared.model().proto().toBuilder().setGraph(graph).build(), prepared.model().file()),
                prepared.record());
        PreparationRecord.Check check = PreparedModels.check(wrong);
        assertFalse(check.passed(), check.toString());
        assertTrue(check.within() < 7, check.toString());
        assertTrue(PreparedModels.check(prepared).passed());
    }

    static ModelProto quantizedModel(NodeProto quantizing, String domain) {
        GraphProto graph = GraphProto.newBuilder().addInput(floatValue("x", -1, 4)).addOutput(floatValue("y", -1, 4))
                .addInitializer(floats("w", 1, 4, 4)).addInitializer(floats("scale", 2))
                .addNode(quantizing.toBuilder().setDomain(domain))
                .addNode(node("MatMul", "/fc/MatMul", new String[] {"xq", "w"}, "y")).build();
        return TestGraphs.model(graph, 13);
    }

    @Test
    void alreadyQuantizedModelsAreRefused() throws IOException {
        for (Object[] c : List.of(new Object[] {"QuantizeLinear", ""}, new Object[] {"DequantizeLinear", ""},
                new Object[] {"QLinearConv", ""}, new Object[] {"MatMulInteger", ""}, new Object[] {"MatMulNBits", "com.microsoft"},
                new Object[] {"QGemm", "com.microsoft"}, new Object[] {"DynamicQuantizeMatMul", "com.microsoft"})) {
            NodeProto node = node((String) c[0], "/quant/" + c[0], new String[] {"x", "scale"}, "xq");
            Path file = dir.resolve(c[0] + ".onnx");
            Files.write(file, quantizedModel(node, (String) c[1]).toByteArray());
            UserInputException e = assertThrows(UserInputException.class, () -> PreparedModels.prepare(OnnxModel.load(file)));
            String op = ((String) c[1]).isEmpty() ? (String) c[0] : c[1] + "." + c[0];
            assertEquals(file + " is already quantized (node '/quant/" + c[0] + "' is " + op + "); qsvit quantizes float "
                    + "models: give it the float model this one was made from", e.getMessage());
        }
        // qsvit's own real artifacts are read: their codes are decoded and quantized again
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\n");
        ApplyStep.run(Examples.model("spikformer"), setting, dir.resolve("applied"));
        PreparedModels.prepare(OnnxModel.load(dir.resolve("applied").resolve(ApplyStep.REAL)));
    }
}
