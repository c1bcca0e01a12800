package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import io.qsvit.model.opset.OpsetConverter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.qsvit.model.TestGraphs.integer;
import static io.qsvit.model.TestGraphs.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model as PyTorch 1.1 exported it (IR 4, op-set 9, initializers listed among the graph inputs, LogSoftmax
 * of op-set 9): the real artifact is raised to the op-set its decode nodes need (10 for per-tensor 8-bit
 * codes, 13 for per-channel scales, 21 for 4-bit codes), runs in ONNX Runtime, and gives the simulated
 * model's outputs; the simulated model keeps op-set 9.
 */
class OlderOpsetArtifactsTest {
    @TempDir
    Path dir;

    static ModelProto pytorch11Cnn() {
        List<TensorProto> weights = List.of(TestGraphs.floats("conv.weight", 1, 4, 1, 3, 3), TestGraphs.floats("conv.bias", 2, 4),
                TestGraphs.floats("fc.weight", 3, 10, 64), TestGraphs.floats("fc.bias", 4, 10));
        GraphProto.Builder g = GraphProto.newBuilder().addInput(TestGraphs.floatValue("x", -1, 1, 6, 6))
                .addOutput(TestGraphs.floatValue("y", -1, 10)).addAllInitializer(weights)
                .addNode(node("Conv", "", new String[] {"x", "conv.weight", "conv.bias"}, "c"))
                .addNode(node("Relu", "", new String[] {"c"}, "r"))
                .addNode(node("Flatten", "", new String[] {"r"}, "f", integer("axis", 1)))
                .addNode(node("Gemm", "", new String[] {"f", "fc.weight", "fc.bias"}, "g", integer("transB", 1)))
                .addNode(node("LogSoftmax", "", new String[] {"g"}, "y", integer("axis", 1)));
        for (TensorProto w : weights) {
            ValueInfoProto.Builder v = TestGraphs.floatValue(w.getName()).toBuilder();
            v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().clear();
            for (long d : w.getDimsList()) {
                v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().addDimBuilder().setDimValue(d);
            }
            g.addInput(v);
        }
        return ModelProto.newBuilder().setIrVersion(4).setProducerName("pytorch").setProducerVersion("1.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(9)).setGraph(g).build();
    }

    @ParameterizedTest
    @CsvSource({"uniform8-tensor, 10, 5", "uniform8, 13, 7", "uniform4, 21, 10", "pow2-4, 21, 10", "pow2-8-tensor, 10, 5"})
    void realArtifactIsRaisedToWhatItsDecodeNeeds(String scheme, int opset, long ir) throws IOException, OrtException {
        Path file = Files.write(dir.resolve("cnn.onnx"), pytorch11Cnn().toByteArray());
        ModelLayers layers = ModelLayers.of(OnnxModel.load(file), Grouping.QSVIT);
        QuantizedArtifacts artifacts = QuantizedArtifacts.build(layers, Setting.uniform(Grouping.QSVIT, Scheme.parse(scheme)), "{}");
        ModelProto real = artifacts.real();
        assertEquals(opset, OpsetConverter.opset(real));
        assertEquals(ir, real.getIrVersion());
        assertEquals(9, OpsetConverter.opset(artifacts.simulated()));
        // decoded weights are node outputs now, no longer graph inputs
        assertEquals(List.of("x", "conv.bias", "fc.bias"), real.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList());
        float[] simulated = run(artifacts.simulated());
        float[] decoded = run(real);
        for (int k = 0; k < simulated.length; k++) {
            assertTrue(Math.abs(simulated[k] - decoded[k]) <= 1e-5 * Math.max(1, Math.abs(simulated[k])),
                    k + ": " + simulated[k] + " vs " + decoded[k]);
        }
    }

    private static float[] run(ModelProto model) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] x = new float[2 * 36];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) Math.sin(k * 0.7);
        }
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {2, 1, 6, 6});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] y = new float[out.remaining()];
            out.get(y);
            return y;
        }
    }
}
