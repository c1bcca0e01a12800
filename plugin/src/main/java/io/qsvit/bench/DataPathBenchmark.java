package io.qsvit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Data path overhead: qsvit's evaluation throughput ({@link EvaluationSession#run} with switchable and with
 * fixed weights (the evaluate step's), and
 * {@link OnnxClassifier#scores}) against a bare ONNX Runtime loop that only calls {@code OrtSession.run} on
 * tensors built once beforehand from the same pixels: same model file, threads and batch size.
 */
public final class DataPathBenchmark {
    static final String BARE = "bare ONNX Runtime loop";
    static final String BARE_PLAIN_CONV = "bare loop, no NCHWc convs";
    static final String SESSION = "switchable session.run";
    static final String FIXED_SESSION = "fixed-weight session.run";
    static final String CLASSIFIER = "OnnxClassifier.scores";

    private DataPathBenchmark() {
    }

    public static void run(Workload work, PrintWriter out) throws Exception {
        Dataset images = MemoryDataset.load(work.images(), 1);
        out.printf("data path: %s, %d images, batch %d, %d threads; medians of %d turns after a warm-up%n",
                work.model(), images.size(), work.batch(), work.threads(), work.repeats());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> batches = new ArrayList<>();
        ModelLayers layers = ModelLayers.of(OnnxModel.load(work.model()), Grouping.QSVIT);
        try (OrtSession.SessionOptions options = bareOptions(work.threads());
             OrtSession.SessionOptions plainConv = bareOptions(work.threads())) {
            // ONNX Runtime rewrites convolutions to its blocked NCHWc layout only when their weights are constant;
            // fed weights (EvaluationSession) are not, so this baseline shows what that layout is worth
            plainConv.addConfigEntry("optimization.disable_specified_optimizers", "NchwcTransformer");
            try (OrtSession bare = env.createSession(work.model().toString(), options);
                 OrtSession barePlainConv = env.createSession(work.model().toString(), plainConv);
                 EvaluationSession session = EvaluationSession.open(layers, work.threads());
                 EvaluationSession fixed = EvaluationSession.openFixed(layers, work.threads());
                 OnnxClassifier classifier = OnnxClassifier.open(work.model(), work.threads())) {
                String input = bare.getInputNames().iterator().next();
                for (int start = 0; start < images.size(); start += work.batch()) {
                    batches.add(tensor(env, images, start, Math.min(work.batch(), images.size() - start)));
                }
                Map<String, Samples> times = new Interleaved()
                        .add(BARE, () -> bareLoop(bare, input, batches))
                        .add(BARE_PLAIN_CONV, () -> bareLoop(barePlainConv, input, batches))
                        .add(SESSION, () -> session.run(images, work.batch()))
                        .add(FIXED_SESSION, () -> fixed.run(images, work.batch()))
                        .add(CLASSIFIER, () -> classifier.scores(images, work.batch()))
                        .run(work.repeats());
                Samples baseline = times.get(BARE);
                Samples plain = times.get(BARE_PLAIN_CONV);
                times.forEach((name, samples) -> {
                    out.printf("  %-26s median %.3f s  %6.0f images/s", name, samples.median(),
                            images.size() / samples.median());
                    if (samples != baseline) {
                        out.printf("  %.3fx bare", baseline.medianRatioTo(samples));
                    }
                    if (samples == times.get(SESSION)) {
                        out.printf("  %.3fx no-NCHWc bare", plain.medianRatioTo(samples));
                    }
                    out.println();
                });
                out.println("  (x: median over turns of the baseline's time / this time = throughput relative to it;"
                        + " fed weights are not constant, so ONNX Runtime runs them without its NCHWc convolutions)");
            } finally {
                batches.forEach(OnnxTensor::close);
            }
        }
        out.flush();
    }

    private static OrtSession.SessionOptions bareOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        return options;
    }

    private static int bareLoop(OrtSession session, String input, List<OnnxTensor> batches) throws OrtException {
        int outputs = 0;
        for (OnnxTensor batch : batches) {
            try (OrtSession.Result result = session.run(Map.of(input, batch))) {
                outputs += result.size();
            }
        }
        return outputs;
    }

    /** A tensor over a direct buffer, which ONNX Runtime reads in place. */
    private static OnnxTensor tensor(OrtEnvironment env, Dataset images, int start, int n) throws OrtException {
        int size = images.shape().size();
        float[] pixels = new float[n * size];
        float[] sample = new float[size];
        for (int i = 0; i < n; i++) {
            images.read(start + i, sample);
            System.arraycopy(sample, 0, pixels, i * size, size);
        }
        FloatBuffer buffer = ByteBuffer.allocateDirect(4 * pixels.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(pixels).rewind();
        return OnnxTensor.createTensor(env, buffer, images.shape().batchShape(n, 0));
    }
}
