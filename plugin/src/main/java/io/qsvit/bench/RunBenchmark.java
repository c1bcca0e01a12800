package io.qsvit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Folders;
import io.qsvit.artifact.Cache;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.eval.data.Subset;
import io.qsvit.model.OnnxModel;
import io.qsvit.pipeline.LocalPipeline;
import io.qsvit.pipeline.PipelineConfig;
import io.qsvit.pipeline.PipelineSteps;
import io.qsvit.search.SweepMode;
import io.qsvit.step.ApplyStep;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The whole {@code qsvit run} measured in evaluations: its wall time divided by one bare ONNX Runtime pass over
 * the run's final images (the evaluate step's), with sensitivity and bounds swept {@code full} (QSViT's sweep)
 * and {@code raced}, each in turn with the bare pass (bare, full, raced, bare, full, raced, ...) so a shared
 * machine's load hits all three alike. The cache is off, so every run does all its work. Reports per mode the
 * median ratio, each step's share of the run, and the chosen setting's quality on held-out images: the final
 * images the search never saw, the real (integer-code) model against the float model under the run's
 * requirement, with its effective bits and stored bytes.
 */
public final class RunBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<SweepMode> MODES = List.of(SweepMode.FULL, SweepMode.RACED);

    /** @param models model folders (or files), each run with the same configuration */
    public record Options(List<Path> models, Path data, Path config, int threads, int repeats) {
    }

    private RunBenchmark() {
    }

    /** One run of one mode: its wall time, each step's seconds, and its chosen setting's quality. */
    private record Turn(double seconds, Map<String, Double> steps, Quality quality) {
    }

    /** The chosen setting on the held-out images. */
    private record Quality(int heldOut, double floatAccuracy, double accuracy, boolean met, double effectiveBits,
                           long storageBytes, double searchAccuracy) {
    }

    public static void run(Options options, Path work, PrintWriter console) throws Exception {
        PipelineConfig config = PipelineConfig.read(options.config());
        Cache previous = Cache.share(Cache.disabled()); // every run must do all its work
        try {
            for (Path model : options.models()) {
                benchmark(options, config, model, work.resolve(model.toAbsolutePath().normalize().getParent()
                        .getFileName() + "-" + model.getFileName()), console);
            }
        } finally {
            Cache.share(previous);
        }
    }

    private static void benchmark(Options o, PipelineConfig config, Path modelPath, Path work, PrintWriter console)
            throws Exception {
        Path model = modelPath.toFile().isDirectory() ? modelPath.resolve(OnnxModel.MODEL_FILE) : modelPath;
        PipelineConfig.Data run = config.data();
        PipelineConfig.Evaluate evaluate = config.evaluate();
        PipelineConfig.Sensitivity sensitivity = config.sensitivity();
        Map<SweepMode, PipelineConfig> configs = new LinkedHashMap<>();
        for (SweepMode mode : MODES) {
            // the configuration's batch (the images per ONNX Runtime call a user's run gets), the benchmark's threads
            configs.put(mode, new PipelineConfig(config.schema(), config.data(), config.batch(), o.threads(), config.requirement(),
                    new PipelineConfig.Sensitivity(sensitivity.precisions(), sensitivity.limit(), sensitivity.seed(), mode.id()),
                    config.bounds(), config.explore(), config.apply(), config.evaluate(), config.gate()));
        }
        try (OnnxClassifier classifier = OnnxClassifier.open(model, o.threads())) {
            Dataset all = data(o.data(), run, null, null).load(classifier.sampleShape());
            int[] finalImages = subset(all, evaluate.limit() != null ? evaluate.limit() : run.limit(),
                    evaluate.limit() != null ? evaluate.seed() : run.seed());
            Set<Integer> searched = new LinkedHashSet<>();
            for (PipelineConfig.Subset step : List.of(sensitivity, config.explore())) {
                Arrays.stream(subset(all, step.limit() != null ? step.limit() : run.limit(),
                        step.limit() != null ? step.seed() : run.seed())).forEach(searched::add);
            }
            int[] heldOut = Arrays.stream(finalImages).filter(i -> !searched.contains(i)).toArray();
            Dataset finals = MemoryDataset.load(all.select(finalImages), 1);
            Dataset held = MemoryDataset.load(all.select(heldOut), 1);
            double floatHeldOut = heldOut.length == 0 ? Double.NaN
                    : Accuracy.topK(classifier.scores(held, 250), held, 1).value();
            console.printf(Locale.ROOT, "run benchmark: %s, config %s; final images %d, searched on %d, held out %d; "
                            + "%d threads, %d turns (bare, full, raced in turn), cache off%n", model, o.config(),
                    finals.size(), searched.size(), heldOut.length, o.threads(), o.repeats());
            console.flush();
            List<Double> bare = new ArrayList<>();
            Map<SweepMode, List<Turn>> turns = new LinkedHashMap<>();
            MODES.forEach(m -> turns.put(m, new ArrayList<>()));
            List<Double> loads = new ArrayList<>();
            try (BareLoop loop = BareLoop.open(model, finals, config.batch(), o.threads())) {
                loop.run(); // warm-up
                for (int turn = 0; turn < o.repeats(); turn++) {
                    loads.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    long start = System.nanoTime();
                    loop.run();
                    bare.add((System.nanoTime() - start) / 1e9);
                    for (SweepMode mode : MODES) {
                        Turn t = runOnce(model, o.data(), configs.get(mode), work.resolve(mode.id() + "-" + turn), held,
                                floatHeldOut, o.threads());
                        turns.get(mode).add(t);
                        console.printf(Locale.ROOT, "  turn %d %-5s %.1f s (bare pass %.2f s: %.1f evaluations); steps %s; "
                                        + "chosen %.3f effective bits, held-out accuracy %.4f (float %.4f); load %.1f%n", turn,
                                mode.id(), t.seconds(), bare.get(turn), t.seconds() / bare.get(turn), seconds(t.steps()),
                                t.quality().effectiveBits(), t.quality().accuracy(), t.quality().floatAccuracy(),
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                        console.flush();
                    }
                }
                loads.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
            report(console, new Samples(bare), turns, loads, config);
        }
    }

    private static Turn runOnce(Path model, Path data, PipelineConfig config, Path out, Dataset held, double floatHeldOut,
                                int threads) throws IOException {
        Folders.deleteRecursively(out);
        long start = System.nanoTime();
        List<LocalPipeline.StepRun> steps = LocalPipeline.run(PipelineSteps.plan(config), model, data, config, out, r -> { });
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> shares = new LinkedHashMap<>();
        steps.forEach(s -> shares.put(s.step(), s.seconds()));
        JsonNode applied = JSON.readTree(out.resolve(ApplyStep.NAME).resolve("metadata.json").toFile());
        JsonNode explored = JSON.readTree(out.resolve(PipelineSteps.EXPLORE).resolve("metadata.json").toFile());
        double accuracy = Double.NaN;
        if (held.size() > 0) {
            try (OnnxClassifier real = OnnxClassifier.open(out.resolve(ApplyStep.NAME).resolve(ApplyStep.REAL)
                    .resolve(OnnxModel.MODEL_FILE), threads)) {
                accuracy = Accuracy.topK(real.scores(held, 250), held, 1).value();
            }
        }
        PipelineConfig.Requirement r = config.requirement();
        double required = r.targetAccuracy() != null ? r.targetAccuracy()
                : floatHeldOut - (r.maxDrop() != null ? r.maxDrop() : PipelineSteps.DEFAULT_MAX_DROP);
        Quality quality = new Quality(held.size(), floatHeldOut, accuracy, accuracy >= required - 1e-12,
                applied.at("/results/weights/effective_bits").asDouble(),
                applied.at("/results/weights/storage_bytes").asLong(),
                explored.at("/results/chosen/accuracy").asDouble(Double.NaN));
        return new Turn(seconds, shares, quality);
    }

    private static void report(PrintWriter console, Samples bare, Map<SweepMode, List<Turn>> turns, List<Double> loads,
                               PipelineConfig config) {
        console.printf(Locale.ROOT, "  bare ONNX Runtime pass over the final images: median %.3f s; load average (1 min) "
                + "%s%n", bare.median(), loads.stream().map(l -> String.format(Locale.ROOT, "%.1f", l)).toList());
        Map<SweepMode, Samples> runs = new LinkedHashMap<>();
        for (SweepMode mode : MODES) {
            List<Turn> list = turns.get(mode);
            Samples seconds = new Samples(list.stream().map(Turn::seconds).toList());
            runs.put(mode, seconds);
            console.printf(Locale.ROOT, "  %-5s run: median %.1f s = %.1f evaluations of the final images%n", mode.id(),
                    seconds.median(), seconds.medianRatioTo(bare));
            Map<String, List<Double>> perStep = new LinkedHashMap<>();
            list.forEach(t -> t.steps().forEach((step, s) -> perStep.computeIfAbsent(step, k -> new ArrayList<>()).add(s)));
            StringBuilder shares = new StringBuilder("        steps (median s, share):");
            perStep.forEach((step, s) -> shares.append(String.format(Locale.ROOT, " %s %.1f (%.0f%%)", step,
                    Samples.median(s), 100 * Samples.median(s) / seconds.median())));
            console.println(shares);
            Quality q = list.get(0).quality(); // deterministic: every turn chooses the same setting
            console.printf(Locale.ROOT, "        chosen setting: %.3f effective bits, %d stored bytes; held-out (%d images) "
                            + "accuracy %.4f vs float %.4f: requirement %s %s%n", q.effectiveBits(), q.storageBytes(),
                    q.heldOut(), q.accuracy(), q.floatAccuracy(), requirement(config), q.met() ? "met" : "MISSED");
        }
        Quality full = turns.get(SweepMode.FULL).get(0).quality();
        Quality raced = turns.get(SweepMode.RACED).get(0).quality();
        console.printf(Locale.ROOT, "  raced / full: time %.2f; effective bits %.3f vs %.3f, stored bytes %d vs %d, "
                        + "held-out accuracy %.4f vs %.4f%n", runs.get(SweepMode.RACED).medianRatioTo(runs.get(SweepMode.FULL)),
                raced.effectiveBits(), full.effectiveBits(), raced.storageBytes(), full.storageBytes(), raced.accuracy(),
                full.accuracy());
        console.flush();
    }

    private static String seconds(Map<String, Double> steps) {
        StringBuilder text = new StringBuilder();
        steps.forEach((step, s) -> text.append(text.length() == 0 ? "" : ", ").append(step)
                .append(String.format(Locale.ROOT, " %.1f s", s)));
        return text.toString();
    }

    private static String requirement(PipelineConfig config) {
        PipelineConfig.Requirement r = config.requirement();
        return r.targetAccuracy() != null ? "target " + r.targetAccuracy()
                : "max drop " + (r.maxDrop() != null ? r.maxDrop() : PipelineSteps.DEFAULT_MAX_DROP);
    }

    private static EvaluationData data(Path path, PipelineConfig.Data run, Integer limit, Long seed) {
        return new EvaluationData(path, DataFormat.parse(run.format()), run.split(), limit, seed, run.preprocessing(),
                run.events());
    }

    /** Indices into {@code all} of the images a step given this limit and seed reads. */
    private static int[] subset(Dataset all, Integer limit, Long seed) {
        if (limit == null) {
            return java.util.stream.IntStream.range(0, all.size()).toArray();
        }
        return (seed == null ? Subset.first(limit) : Subset.stratified(limit, seed)).indices(all);
    }

    /** The bare baseline: OrtSession.run over pre-built batch tensors, nothing else. */
    private static final class BareLoop implements AutoCloseable {
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final String input;
        private final List<OnnxTensor> batches = new ArrayList<>();

        private BareLoop(OrtSession.SessionOptions options, OrtSession session) throws OrtException {
            this.options = options;
            this.session = session;
            this.input = session.getInputNames().iterator().next();
        }

        static BareLoop open(Path model, Dataset images, int batch, int threads) throws OrtException {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            BareLoop loop = new BareLoop(options, OrtEnvironment.getEnvironment().createSession(model.toString(), options));
            int size = images.shape().size();
            for (int start = 0; start < images.size(); start += batch) {
                int n = Math.min(batch, images.size() - start);
                FloatBuffer buffer = ByteBuffer.allocateDirect(4 * n * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
                float[] sample = new float[size];
                for (int i = 0; i < n; i++) {
                    images.read(start + i, sample);
                    buffer.put(sample);
                }
                buffer.rewind();
                loop.batches.add(OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buffer, images.shape().batchShape(n, 0)));
            }
            return loop;
        }

        void run() throws OrtException {
            for (OnnxTensor batch : batches) {
                try (OrtSession.Result ignored = session.run(Map.of(input, batch))) {
                    // the outputs are not needed, only the time to compute them
                }
            }
        }

        @Override
        public void close() throws OrtException {
            batches.forEach(OnnxTensor::close);
            session.close();
            options.close();
        }
    }
}
