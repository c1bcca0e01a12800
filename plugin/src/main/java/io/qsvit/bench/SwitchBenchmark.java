package io.qsvit.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.OnnxWriter;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Setting switch: {@link EvaluationSession#use} from one setting to another where every group's scheme changes
 * (all uniform8 to all pow2-4, both per-channel), against (a) evaluating 1000 images in the same session and
 * (b) what a tool without weight feeding does per setting: write the quantized model and build a new ONNX
 * Runtime session from it (quantization not counted, so (b) is a lower bound of that tool's cost).
 */
public final class SwitchBenchmark {
    static final String SWITCH = "switch uniform8 -> pow2-4";
    static final String EVALUATE = "evaluate %d images";
    static final String NEW_SESSION = "write model + new session";
    static final Setting FROM = Setting.uniform(Grouping.QSVIT, Scheme.parse("uniform8"));
    static final Setting TO = Setting.uniform(Grouping.QSVIT, Scheme.parse("pow2-4"));
    private static final int EVALUATED = 1000;

    private SwitchBenchmark() {
    }

    public static void run(Workload work, PrintWriter out) throws Exception {
        ModelLayers model = ModelLayers.of(OnnxModel.load(work.model()), Grouping.QSVIT);
        Dataset images = work.images().first(Math.min(EVALUATED, work.images().size()));
        out.printf("setting switch: %s, %d groups, %d layers, %d weights, %d threads; medians of %d turns after a warm-up%n",
                work.model(), model.groups().size(), model.layers().size(), model.params(), work.threads(),
                work.repeats());
        QuantizedArtifacts quantized = QuantizedArtifacts.build(model, TO, TO.toString());
        Path folder = Files.createTempDirectory("qsvit-switch");
        try (EvaluationSession session = EvaluationSession.open(model, work.threads());
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(work.threads());
            options.setInterOpNumThreads(1);
            Map<String, Samples> times = new Interleaved()
                    .add(SWITCH, () -> {
                        session.use(FROM);
                        return null;
                    }, () -> {
                        session.use(TO);
                        return null;
                    })
                    .add(EVALUATE.formatted(images.size()), () -> session.run(images, work.batch()))
                    .add(NEW_SESSION, () -> {
                        Path file = OnnxWriter.write(quantized.simulated(), model.model(), folder);
                        try (OrtSession fresh = OrtEnvironment.getEnvironment().createSession(file.toString(), options)) {
                            return fresh.getNumInputs();
                        }
                    })
                    .run(work.repeats());
            Samples change = times.get(SWITCH);
            times.forEach((name, samples) -> out.printf("  %-27s median %8.2f ms%n", name, samples.median() * 1e3));
            out.printf("  switch / evaluate %d images   %.2f%% (median over turns; target < 5%%)%n", images.size(),
                    100 * change.medianRatioTo(times.get(EVALUATE.formatted(images.size()))));
            out.printf("  switch / new session          %.2f%%%n", 100 * change.medianRatioTo(times.get(NEW_SESSION)));
        } finally {
            io.qsvit.Folders.deleteRecursively(folder);
        }
        out.flush();
    }
}
