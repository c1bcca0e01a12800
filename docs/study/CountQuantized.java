import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Study tool (docs/qsvit-reproduction.md), not part of qsvit: runs a model from fake_quant_computed.py on an
 * IDX folder (pixels / 255, [N, 1, 28, 28]) with ONNX Runtime and prints top-1 accuracy and, per quantized
 * tensor and in total, the elements saturated and the non-zero elements zeroed.
 * Run: java -cp plugin/cli/target/qsvit.jar docs/study/CountQuantized.java MODEL IDX_FOLDER
 */
public class CountQuantized {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        float[][] images = images(data.resolve("t10k-images-idx3-ubyte.gz"));
        int[] labels = labels(data.resolve("t10k-labels-idx1-ubyte.gz"));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, double[]> stats = new TreeMap<>();
        int correct = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(args[0], options)) {
                String input = session.getInputNames().iterator().next();
                String logits = session.getOutputNames().iterator().next();
                int batch = 250;
                for (int start = 0; start < images.length; start += batch) {
                    int n = Math.min(batch, images.length - start);
                    FloatBuffer buffer = FloatBuffer.allocate(n * 784);
                    for (int i = 0; i < n; i++) {
                        buffer.put(images[start + i]);
                    }
                    buffer.flip();
                    try (OnnxTensor x = OnnxTensor.createTensor(env, buffer, new long[] {n, 1, 28, 28});
                         OrtSession.Result result = session.run(Map.of(input, x))) {
                        float[][] scores = (float[][]) result.get(logits).orElseThrow().getValue();
                        for (int i = 0; i < n; i++) {
                            int best = 0;
                            for (int c = 1; c < scores[i].length; c++) {
                                best = scores[i][c] > scores[i][best] ? c : best;
                            }
                            correct += best == labels[start + i] ? 1 : 0;
                        }
                        for (Map.Entry<String, OnnxValue> e : result) {
                            String name = e.getKey();
                            if (!name.startsWith("qstat_")) {
                                continue;
                            }
                            String kind = name.substring(6, name.indexOf('/'));
                            String tensor = name.substring(name.indexOf('/') + 1);
                            Object v = e.getValue().getValue();
                            double value = v instanceof Long l ? l : ((Float) v);
                            double[] s = stats.computeIfAbsent(tensor, k -> new double[3]);
                            s[kind.equals("sat") ? 0 : kind.equals("zero") ? 1 : 2] += value;
                        }
                    }
                }
            }
        }
        System.out.printf("accuracy %.4f (%d/%d)%n", (double) correct / images.length, correct, images.length);
        double[] total = new double[3];
        for (Map.Entry<String, double[]> e : stats.entrySet()) {
            double[] s = e.getValue();
            System.out.printf("  %-60s saturated %12.0f (%6.2f%%) zeroed %12.0f (%6.2f%%) of %12.0f%n", e.getKey(), s[0],
                    100 * s[0] / s[2], s[1], 100 * s[1] / s[2], s[2]);
            for (int k = 0; k < 3; k++) {
                total[k] += s[k];
            }
        }
        System.out.printf("  %-60s saturated %12.0f (%6.2f%%) zeroed %12.0f (%6.2f%%) of %12.0f%n", "total", total[0],
                100 * total[0] / total[2], total[1], 100 * total[1] / total[2], total[2]);
    }

    private static float[][] images(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.readInt();
            int n = in.readInt();
            int pixels = in.readInt() * in.readInt();
            float[][] images = new float[n][pixels];
            for (float[] image : images) {
                for (int p = 0; p < pixels; p++) {
                    image[p] = in.readUnsignedByte() / 255f;
                }
            }
            return images;
        }
    }

    private static int[] labels(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            in.readInt();
            int[] labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }
}
