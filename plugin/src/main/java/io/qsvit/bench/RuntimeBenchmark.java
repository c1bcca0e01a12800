package io.qsvit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Runtime;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.step.ApplyStep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The real model against the float model at run time: throughput (images/s, in turns with the float and simulated
 * models), session load time, and the resident memory a session adds when it loads each model (measured in a fresh
 * JVM per model, see {@link SessionMemoryProbe}), for both runtimes of {@code apply --runtime}, and the largest
 * relative difference between the real and the simulated model's scores; then ONNX Runtime's MatMulNBits against the
 * forms apply writes, on single MatMul layers ({@link MatMulNBitsProbe}). The goal the issue sets: real >= 1.2x
 * float throughput and <= 0.5x float weight memory for settings of 8 bits and below, with real == simulated.
 */
public final class RuntimeBenchmark {
    static final List<String> SETTINGS = List.of("uniform8", "uniform4");
    /** Images per turn of the synthetic model (64x64, 55.9M weights): two batches of eight. */
    static final int SYNTHETIC_IMAGES = 16;
    static final int SYNTHETIC_BATCH = 8;

    private RuntimeBenchmark() {
    }

    /** One model to measure, with the images it runs on (already batched into tensors by the caller). */
    public record Subject(String name, Path model, float[] pixels, long[] imageShape, int images, int batch) {
    }

    public static Subject reference(String name, Path model, Dataset images, int batch) {
        ImageShape shape = images.shape().image();
        float[] pixels = new float[images.size() * shape.size()];
        float[] one = new float[shape.size()];
        for (int i = 0; i < images.size(); i++) {
            images.read(i, one);
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
        }
        return new Subject(name, model, pixels, new long[] {shape.channels(), shape.height(), shape.width()},
                images.size(), batch);
    }

    /** The spiking synthetic SDTv2-sized model, written into {@code work}, on deterministic random images. */
    public static Subject synthetic(double scale, Path work) throws IOException {
        Path model = work.resolve("synthetic-spiking/model.onnx");
        Files.createDirectories(model.getParent());
        Files.write(model, SyntheticModel.spiking(scale).toByteArray());
        int size = 3 * SyntheticModel.SIDE * SyntheticModel.SIDE;
        float[] pixels = new float[SYNTHETIC_IMAGES * size];
        SplittableRandom random = new SplittableRandom(64);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return new Subject("synthetic SDTv2-55M", model, pixels, new long[] {3, SyntheticModel.SIDE, SyntheticModel.SIDE},
                SYNTHETIC_IMAGES, SYNTHETIC_BATCH);
    }

    public static void run(List<Subject> subjects, int threads, int repeats, Path work, PrintWriter out) throws Exception {
        out.printf("runtime: float vs real models, %d threads, medians of %d turns after a warm-up; load average %s%n",
                threads, repeats, loadAverage());
        for (Subject subject : subjects) {
            long weights = io.qsvit.model.ModelLayers.of(OnnxModel.load(subject.model()), io.qsvit.model.Grouping.QSVIT).params();
            for (String scheme : SETTINGS) {
                out.printf("%n%s (%d weights), setting default: %s, %d images, batch %d%n", subject.name(), weights,
                        scheme, subject.images(), subject.batch());
                Map<String, Path> forms = forms(subject, scheme, work);
                measure(subject, forms, threads, repeats, out);
            }
        }
        MatMulNBitsProbe.run(threads, repeats, out);
        out.println();
        out.println("x float: throughput relative to the float model (median over turns of float time / this time);");
        out.println("weights: bytes of the weights once loaded (1 per weight an integer kernel reads, 4 per folded float weight);");
        out.println("resident: resident memory a session adds on loading the model (weights folded and pre-packed), fresh JVM each;");
        out.println("diff: largest |real - simulated| / max |simulated| over each image's scores; > 1e-5: images beyond that.");
        out.flush();
    }

    /** float, simulated and the two real models of one setting. */
    private static Map<String, Path> forms(Subject subject, String scheme, Path work) throws IOException {
        Path setting = Files.writeString(work.resolve("setting-" + scheme + ".yaml"), "default: " + scheme + "\n");
        Map<String, Path> forms = new LinkedHashMap<>();
        forms.put("float", subject.model());
        for (Runtime runtime : Runtime.values()) {
            Path out = work.resolve(subject.model().getParent().getFileName() + "-" + scheme + "-" + runtime.id());
            ApplyStep.run(subject.model(), setting, out, false, Preprocessing.NONE, runtime);
            if (runtime == Runtime.PORTABLE) {
                forms.put("simulated", out.resolve(ApplyStep.SIMULATED).resolve(OnnxModel.MODEL_FILE));
            }
            forms.put("real " + runtime.id(), out.resolve(ApplyStep.REAL).resolve(OnnxModel.MODEL_FILE));
        }
        return forms;
    }

    private static void measure(Subject subject, Map<String, Path> forms, int threads, int repeats, PrintWriter out)
            throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> batches = batches(env, subject);
        Map<String, OrtSession> sessions = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            Interleaved loads = new Interleaved();
            Interleaved runs = new Interleaved();
            for (Map.Entry<String, Path> form : forms.entrySet()) {
                sessions.put(form.getKey(), env.createSession(form.getValue().toString(), options));
                loads.add(form.getKey(), () -> {
                    env.createSession(form.getValue().toString(), options).close();
                    return null;
                });
                runs.add(form.getKey(), () -> scores(sessions.get(form.getKey()), batches));
            }
            Map<String, float[][]> scores = new LinkedHashMap<>();
            for (Map.Entry<String, OrtSession> s : sessions.entrySet()) {
                scores.put(s.getKey(), scores(s.getValue(), batches));
            }
            Map<String, Samples> loadTimes = loads.run(Math.max(1, Math.min(repeats, 3)));
            Map<String, Samples> runTimes = runs.run(repeats);
            Samples floatRuns = runTimes.get("float");
            long floatMemory = -1;
            out.printf("  %-18s %9s %10s %8s %11s %8s %11s %8s %10s %7s%n", "model", "load ms", "images/s", "x float",
                    "weights MB", "x float", "resident MB", "x float", "diff", "> 1e-5");
            long floatWeights = runTimeWeightBytes(forms.get("float"));
            for (Map.Entry<String, Path> form : forms.entrySet()) {
                String name = form.getKey();
                long memory = residentKib(form.getValue(), threads);
                if (name.equals("float")) {
                    floatMemory = memory;
                }
                Samples t = runTimes.get(name);
                String diff = "";
                String beyond = "";
                if (name.startsWith("real")) {
                    float[][] simulated = scores.get("simulated");
                    float[][] real = scores.get(name);
                    diff = String.format("%.2g", maxRelativeDifference(simulated, real, 0)[0]);
                    beyond = Long.toString((long) maxRelativeDifference(simulated, real, 1e-5)[1]);
                }
                long weights = runTimeWeightBytes(form.getValue());
                out.printf("  %-18s %9.0f %10.1f %8.3f %11.2f %8.3f %11.1f %8.3f %10s %7s%n", name,
                        loadTimes.get(name).median() * 1e3, subject.images() / t.median(), floatRuns.medianRatioTo(t),
                        weights / 1e6, (double) weights / floatWeights, memory / 1024.0, (double) memory / floatMemory,
                        diff, beyond);
            }
        } finally {
            for (OrtSession s : sessions.values()) {
                s.close();
            }
            batches.forEach(OnnxTensor::close);
        }
        out.flush();
    }

    /**
     * The bytes the model's weights take once a session has loaded it: one byte per weight an integer kernel
     * reads (its folded uint8/int8 levels) plus its scales, four per weight of every other layer (folded to float).
     */
    static long runTimeWeightBytes(Path model) {
        long bytes = 0;
        for (io.qsvit.model.Layer layer : io.qsvit.model.LayerFinder.find(OnnxModel.load(model).proto().getGraph())) {
            boolean integer = layer.encoded() && layer.encoding().unit() != null && layer.encoding().unit().integerKernel();
            bytes += integer ? layer.params() + 4L * (layer.channelAxis() < 0 ? 1 : layer.dims()[layer.channelAxis()])
                    : 4 * layer.params();
        }
        return bytes;
    }

    /** {largest relative difference, images whose difference exceeds tolerance}. */
    static double[] maxRelativeDifference(float[][] simulated, float[][] real, double tolerance) {
        double worst = 0;
        long beyond = 0;
        for (int i = 0; i < simulated.length; i++) {
            double scale = 0;
            double image = 0;
            for (float v : simulated[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int c = 0; c < simulated[i].length; c++) {
                image = Math.max(image, Math.abs(real[i][c] - simulated[i][c]) / (scale == 0 ? 1 : scale));
            }
            worst = Math.max(worst, image);
            beyond += image > tolerance ? 1 : 0;
        }
        return new double[] {worst, beyond};
    }

    private static List<OnnxTensor> batches(OrtEnvironment env, Subject subject) throws OrtException {
        List<OnnxTensor> batches = new ArrayList<>();
        int size = (int) (subject.imageShape()[0] * subject.imageShape()[1] * subject.imageShape()[2]);
        for (int start = 0; start < subject.images(); start += subject.batch()) {
            int n = Math.min(subject.batch(), subject.images() - start);
            FloatBuffer buffer = ByteBuffer.allocateDirect(4 * n * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
            buffer.put(subject.pixels(), start * size, n * size).rewind();
            batches.add(OnnxTensor.createTensor(env, buffer, new long[] {n, subject.imageShape()[0],
                    subject.imageShape()[1], subject.imageShape()[2]}));
        }
        return batches;
    }

    private static float[][] scores(OrtSession session, List<OnnxTensor> batches) throws OrtException {
        String input = session.getInputNames().iterator().next();
        List<float[]> rows = new ArrayList<>();
        for (OnnxTensor batch : batches) {
            try (OrtSession.Result result = session.run(Map.of(input, batch))) {
                for (float[] row : (float[][]) result.get(0).getValue()) {
                    rows.add(row);
                }
            }
        }
        return rows.toArray(new float[0][]);
    }

    /** Resident memory a session adds on loading {@code model}, in a fresh JVM (the same class path). */
    private static long residentKib(Path model, int threads) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SessionMemoryProbe.class.getName(), model.toString(), Integer.toString(threads));
        builder.environment().put("MALLOC_TRIM_THRESHOLD_", "0"); // freed heap goes back at once: RSS is what is kept
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // fewer per-thread arenas: less noise from ORT's thread pool
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException("memory probe failed for " + model + ": " + output);
        }
        String[] fields = output.lines().filter(l -> l.matches("\\d+ \\d+ \\d+")).findFirst()
                .orElseThrow(() -> new IOException("memory probe printed: " + output)).split(" ");
        return Long.parseLong(fields[1]) - Long.parseLong(fields[0]);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
