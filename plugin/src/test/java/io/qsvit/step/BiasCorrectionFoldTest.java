package io.qsvit.step;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.qsvit.Examples;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TensorData;
import io.qsvit.quant.Quantizer;
import io.qsvit.quant.Runtime;
import io.qsvit.quant.Scheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bias correction end to end on a model small enough to check by hand: a bias-free MatMul over the 784 pixels and
 * a bias-free Conv over the whole image, summed into 10 scores. The written biases must equal
 * sum_k (W - Q(W))[c, k] * mean(x_k) with the pixel means computed here from the calibration images (not by ONNX
 * Runtime): the MatMul gains an Add, the Conv a third input, in both models. About 3 s.
 */
class BiasCorrectionFoldTest {
    private static final int PIXELS = 28 * 28;
    private static final int CLASSES = 10;

    @TempDir
    Path dir;

    @Test
    void foldedBiasesEqualTheHandComputedShift() throws IOException {
        Random random = new Random(7);
        float[] matmul = gaussian(random, PIXELS * CLASSES);  // [784, 10]
        float[] conv = gaussian(random, CLASSES * PIXELS);    // [10, 1, 28, 28]
        Path model = Files.createDirectories(dir.resolve("tiny")).resolve("model.onnx");
        Files.write(model, tinyModel(matmul, conv).toByteArray());
        Path setting = Files.writeString(dir.resolve("s.yaml"), "grouping: {granularity: layer}\ndefault: uniform4\n");
        EvaluationData calibration = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, 50, null);
        Path out = dir.resolve("out");
        ApplyStep.run(model, setting, out, false, Preprocessing.NONE, Runtime.ORT_CPU, calibration);

        Dataset images = calibration.load(null);
        double[] pixelMeans = new double[PIXELS];
        float[] sample = new float[PIXELS];
        for (int i = 0; i < images.size(); i++) {
            images.read(i, sample);
            for (int k = 0; k < PIXELS; k++) {
                pixelMeans[k] += sample[k] / (double) images.size();
            }
        }
        double imageMean = java.util.Arrays.stream(pixelMeans).average().orElseThrow();

        float[] qm = dequantized(matmul, new int[] {PIXELS, CLASSES}, 1);
        float[] qc = dequantized(conv, new int[] {CLASSES, 1, 28, 28}, 0);
        double[] expectedMatMul = new double[CLASSES];
        double[] expectedConv = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            for (int k = 0; k < PIXELS; k++) {
                expectedMatMul[c] += (matmul[k * CLASSES + c] - qm[k * CLASSES + c]) * pixelMeans[k];
                expectedConv[c] += (conv[c * PIXELS + k] - qc[c * PIXELS + k]) * imageMean; // one input channel
            }
        }
        for (String form : new String[] {ApplyStep.SIMULATED, ApplyStep.REAL}) {
            OnnxModel written = OnnxModel.load(out.resolve(form).resolve("model.onnx"));
            GraphProto graph = written.proto().getGraph();
            assertClose(expectedMatMul, floats(written, "fc.weight.bias_corrected"), form + " MatMul");
            assertClose(expectedConv, floats(written, "conv.weight.bias_corrected"), form + " Conv");
            NodeProto add = graph.getNodeList().stream().filter(n -> n.getName().equals("fc/bias_correction")).findFirst()
                    .orElseThrow();
            assertEquals("fc_out", add.getOutput(0), "readers of the MatMul's output read the corrected sum");
            assertTrue(graph.getNodeList().stream().anyMatch(n -> n.getOpType().equals("Conv") && n.getInputCount() == 3
                    && n.getInput(2).equals("conv.weight.bias_corrected")), form);
        }
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * Math.abs(expected[i]), what + " channel " + i);
        }
        assertTrue(java.util.Arrays.stream(expected).anyMatch(v -> Math.abs(v) > 1e-3), what + ": a shift to test");
    }

    private static float[] floats(OnnxModel model, String name) {
        TensorProto t = model.proto().getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name));
        return TensorData.floats(t, model);
    }

    private static float[] dequantized(float[] w, int[] dims, int channelAxis) {
        float[] q = w.clone();
        Quantizer.quantize(w, dims, channelAxis, Scheme.parse("uniform4")).dequantizeInto(q);
        return q;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * 0.05);
        }
        return v;
    }

    /** x [N,1,28,28] -> Flatten -> MatMul fc.weight [784,10] -> fc_out; Conv conv.weight -> Flatten; Add -> scores. */
    private static ModelProto tinyModel(float[] matmul, float[] conv) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
        g.addInput(value("x", "N", 1, 28, 28));
        g.addOutput(value("scores", "N", CLASSES));
        g.addInitializer(tensor("fc.weight", matmul, PIXELS, CLASSES));
        g.addInitializer(tensor("conv.weight", conv, CLASSES, 1, 28, 28));
        g.addNode(node("Flatten", "flatten", new String[] {"x"}, "flat"));
        g.addNode(node("MatMul", "fc", new String[] {"flat", "fc.weight"}, "fc_out"));
        g.addNode(node("Conv", "conv", new String[] {"x", "conv.weight"}, "conv_out"));
        g.addNode(node("Flatten", "flatten2", new String[] {"conv_out"}, "conv_flat"));
        g.addNode(node("Add", "sum", new String[] {"fc_out", "conv_flat"}, "scores"));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("qsvit-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    private static NodeProto node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static TensorProto tensor(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static ValueInfoProto value(String name, String batch, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
