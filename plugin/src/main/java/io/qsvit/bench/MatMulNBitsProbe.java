package io.qsvit.bench;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.model.OnnxWriter;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Runtime's MatMulNBits (com.microsoft contrib operator, 4-bit blocked weights) against the forms apply writes,
 * on one spike-input MatMul layer with 4-bit symmetric weights (levels K in [-7, 7], one scale per output column):
 * float MatMul on the dequantized weights (the float model's kernel), the levels form (MatMul on float K, Mul by the
 * scale), the integer form (MatMulInteger on int8 K, Cast, Mul) and MatMulNBits holding K + 8 as 4-bit codes with a
 * scale of 1 per block (so that it too sums exact integers), then Mul by the scale. Times in turns, relative to the
 * float MatMul; the largest difference of each form's output to the levels form's (0 where the sums are exact).
 */
final class MatMulNBitsProbe {
    /** {rows (images x tokens), fan-in K, outputs N}: Spikformer's MLP fc2 at batch 250, and two larger layers. */
    static final List<int[]> SHAPES = List.of(new int[] {16000, 256, 64}, new int[] {4096, 512, 128},
            new int[] {2048, 1536, 384});
    static final int BLOCK = 32;
    private static final float SPIKE_RATE = 0.2f;

    private MatMulNBitsProbe() {
    }

    static void run(int threads, int repeats, PrintWriter out) throws Exception {
        out.printf("%nMatMulNBits: one spike-input MatMul layer, 4-bit symmetric weights, %d threads, medians of %d turns%n",
                threads, repeats);
        out.printf("  %-22s %12s %12s %12s %12s   %s%n", "rows x K x N", "float", "levels", "integer", "nbits",
                "(x float throughput; max |difference| to levels)");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int k = shape[1];
            int n = shape[2];
            SplittableRandom random = new SplittableRandom(4L * k + n);
            int[] levels = new int[k * n]; // [K, N], row-major
            for (int i = 0; i < levels.length; i++) {
                levels[i] = random.nextInt(15) - 7;
            }
            float[] scales = new float[n];
            for (int c = 0; c < n; c++) {
                scales[c] = (float) (0.001 + 0.01 * random.nextDouble());
            }
            float[] spikes = new float[rows * k];
            for (int i = 0; i < spikes.length; i++) {
                spikes[i] = random.nextDouble() < SPIKE_RATE ? 1f : 0f;
            }
            Map<String, ModelProto> models = new LinkedHashMap<>();
            models.put("float", floatModel(levels, scales, k, n));
            models.put("levels", levelsModel(levels, scales, k, n));
            models.put("integer", integerModel(levels, scales, k, n));
            models.put("nbits", nbitsModel(levels, scales, k, n));
            Map<String, OrtSession> sessions = new LinkedHashMap<>();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(spikes), new long[] {rows, k})) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                Interleaved turns = new Interleaved();
                Map<String, float[][]> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, ModelProto> m : models.entrySet()) {
                    OrtSession session = env.createSession(m.getValue().toByteArray(), options);
                    sessions.put(m.getKey(), session);
                    outputs.put(m.getKey(), run(session, x));
                    turns.add(m.getKey(), () -> run(session, x));
                }
                Map<String, Samples> times = turns.run(repeats);
                StringBuilder line = new StringBuilder(String.format("  %-22s", rows + " x " + k + " x " + n));
                for (String form : models.keySet()) {
                    line.append(String.format(" %5.2fx %5.0e", times.get("float").medianRatioTo(times.get(form)),
                            maxDifference(outputs.get("levels"), outputs.get(form))));
                }
                out.println(line);
            } finally {
                for (OrtSession s : sessions.values()) {
                    s.close();
                }
            }
            out.flush();
        }
        out.println("  float: MatMul on K * scale (rounded sums); levels, integer and MatMulNBits: exact integer sums, "
                + "then * scale");
    }

    private static float[][] run(OrtSession session, OnnxTensor x) throws OrtException {
        try (OrtSession.Result result = session.run(Map.of("x", x))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private static double maxDifference(float[][] a, float[][] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return worst;
    }

    private static ModelProto floatModel(int[] levels, float[] scales, int k, int n) {
        float[] w = new float[levels.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = levels[i] * scales[i % n];
        }
        GraphProto.Builder g = graph(k, n).addInitializer(floats("w", w, k, n))
                .addNode(node("MatMul", "y", "x", "w"));
        return model(g, false);
    }

    private static ModelProto levelsModel(int[] levels, float[] scales, int k, int n) {
        float[] w = new float[levels.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = levels[i];
        }
        GraphProto.Builder g = graph(k, n).addInitializer(floats("w", w, k, n)).addInitializer(floats("s", scales, n))
                .addNode(node("MatMul", "acc", "x", "w")).addNode(node("Mul", "y", "acc", "s"));
        return model(g, false);
    }

    private static ModelProto integerModel(int[] levels, float[] scales, int k, int n) {
        byte[] w = new byte[levels.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) levels[i];
        }
        GraphProto.Builder g = graph(k, n).addInitializer(tensor("w", TensorProto.DataType.INT8_VALUE, w, k, n))
                .addInitializer(floats("s", scales, n))
                .addNode(node("Cast", "x8", "x").addAttribute(intAttribute("to", TensorProto.DataType.UINT8_VALUE)))
                .addNode(node("MatMulInteger", "acc", "x8", "w"))
                .addNode(node("Cast", "accf", "acc").addAttribute(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)))
                .addNode(node("Mul", "y", "accf", "s"));
        return model(g, false);
    }

    /** B: [N, K / block, block / 2] bytes, column n's codes along K, two per byte, the first in the low nibble. */
    private static ModelProto nbitsModel(int[] levels, float[] scales, int k, int n) {
        int blocks = (k + BLOCK - 1) / BLOCK;
        int blob = BLOCK / 2;
        byte[] b = new byte[n * blocks * blob];
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < k; r++) {
                int code = levels[r * n + c] + 8; // the default zero point of 4-bit codes is 8
                int index = c * blocks * blob + (r / BLOCK) * blob + (r % BLOCK) / 2;
                b[index] |= (byte) (r % 2 == 0 ? code : code << 4);
            }
        }
        float[] ones = new float[n * blocks];
        java.util.Arrays.fill(ones, 1f);
        NodeProto.Builder nbits = node("MatMulNBits", "acc", "x", "b", "ones").setDomain("com.microsoft")
                .addAttribute(intAttribute("K", k)).addAttribute(intAttribute("N", n))
                .addAttribute(intAttribute("bits", 4)).addAttribute(intAttribute("block_size", BLOCK));
        GraphProto.Builder g = graph(k, n).addInitializer(tensor("b", TensorProto.DataType.UINT8_VALUE, b, n, blocks, blob))
                .addInitializer(floats("ones", ones, n * blocks)).addInitializer(floats("s", scales, n))
                .addNode(nbits).addNode(node("Mul", "y", "acc", "s"));
        return model(g, true);
    }

    private static GraphProto.Builder graph(int k, int n) {
        return GraphProto.newBuilder().setName("matmul").addInput(value("x", -1, k)).addOutput(value("y", -1, n));
    }

    private static ModelProto model(GraphProto.Builder graph, boolean contrib) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("qsvit benchmark")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(18));
        if (contrib) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
        }
        return m.setGraph(graph).build();
    }

    private static NodeProto.Builder node(String op, String output, String... inputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addOutput(output);
        for (String input : inputs) {
            b.addInput(input);
        }
        return b;
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT_VALUE, bytes.array(), dims);
    }

    private static TensorProto tensor(String name, int type, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(OnnxWriter.wrap(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("rows")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
