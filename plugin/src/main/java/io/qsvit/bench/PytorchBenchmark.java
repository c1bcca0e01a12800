package io.qsvit.bench;

import io.qsvit.eval.Accuracy;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Against what a user would otherwise run: the same model's float evaluation in PyTorch eager mode
 * ({@code examples/models/bench_pytorch.py}, next to the model folders, with the model's training checkpoint),
 * on the same images with the same threads and batch size. The script runs as a subprocess that serves one
 * timed pass per request, so its passes interleave with ours; it first checks that it classifies the images
 * exactly as the model's manifest says ONNX Runtime does. Skipped, with the reason, when it cannot run here.
 */
public final class PytorchBenchmark {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final String SCRIPT = "bench_pytorch.py";
    static final String CHECKPOINT = "checkpoint.pt";
    static final String PYTORCH = "PyTorch eager (no_grad)";
    /** The script's exit code when PyTorch is not installed. */
    private static final int NO_TORCH = 3;

    private PytorchBenchmark() {
    }

    public static void run(Workload work, PrintWriter out) throws Exception {
        run(work, PYTHON, out);
    }

    static void run(Workload work, Path python, PrintWriter out) throws Exception {
        Path modelFolder = work.model().toAbsolutePath().getParent();
        Path script = modelFolder.getParent().resolve(SCRIPT);
        out.printf("against PyTorch eager: %s, %d images, batch %d, %d threads (PyTorch with OMP_WAIT_POLICY=PASSIVE);"
                        + " medians of %d turns after a warm-up%n",
                work.model(), work.images().size(), work.batch(), work.threads(), work.repeats());
        String missing = !Files.isRegularFile(script) ? script + " not found"
                : !Files.isRegularFile(modelFolder.resolve(CHECKPOINT)) ? "no " + CHECKPOINT + " beside the model"
                : !Files.isExecutable(python) ? python + " not found" : null;
        if (missing != null) {
            out.println("  skipped: " + missing);
            out.flush();
            return;
        }
        Path errors = Files.createTempFile("qsvit-pytorch", ".log");
        ProcessBuilder builder = new ProcessBuilder(python.toString(), script.toString(), "--serve",
                "--model-dir", modelFolder.toString(), "--data", work.data().toAbsolutePath().toString(),
                "--threads", Integer.toString(work.threads()), "--batch", Integer.toString(work.batch()))
                .redirectError(errors.toFile());
        // PyTorch's OpenMP threads wait by spinning, which collapses when other work shares the cores (a pass
        // took 36 s instead of 2 s on the loaded development machine); sleeping threads keep its numbers usable
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process process = builder.start();
        try (BufferedReader answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer requests = process.outputWriter(StandardCharsets.UTF_8)) {
            String ready = answers.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                int code = process.waitFor();
                String reason = lastLine(errors);
                if (code == NO_TORCH) {
                    out.println("  skipped: " + reason);
                    out.flush();
                    return;
                }
                throw new IllegalStateException(SCRIPT + " failed (exit " + code + "): " + reason);
            }
            compare(work, ready, () -> {
                requests.write("run\n");
                requests.flush();
                String answer = answers.readLine();
                if (answer == null || !answer.startsWith("seconds ")) {
                    throw new IllegalStateException(SCRIPT + " stopped: " + lastLine(errors));
                }
                return answer;
            }, out);
        } finally {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(errors);
        }
    }

    private static void compare(Workload work, String ready, Interleaved.Task pytorchPass, PrintWriter out) throws Exception {
        String[] counts = ready.split(" ");
        out.printf("  PyTorch: %s of %s correct (the manifest's ONNX Runtime count)%n", counts[1], counts[2]);
        try (EvaluationSession session = EvaluationSession.open(
                ModelLayers.of(OnnxModel.load(work.model()), Grouping.QSVIT), work.threads());
             OnnxClassifier classifier = OnnxClassifier.open(work.model(), work.threads())) {
            int correct = Accuracy.topK(session.run(work.images(), work.batch()).scores(), work.images(), 1).correct();
            out.printf("  ONNX Runtime (qsvit): %d of %d correct%n", correct, work.images().size());
            Map<String, Samples> times = new Interleaved()
                    .add(PYTORCH, pytorchPass)
                    .add(DataPathBenchmark.SESSION, () -> session.run(work.images(), work.batch()))
                    .add(DataPathBenchmark.CLASSIFIER, () -> classifier.scores(work.images(), work.batch()))
                    .run(work.repeats());
            Samples pytorch = times.get(PYTORCH);
            times.forEach((name, samples) -> {
                out.printf("  %-26s median %.3f s  %6.0f images/s", name, samples.median(),
                        work.images().size() / samples.median());
                if (samples != pytorch) {
                    out.printf("  %.2fx PyTorch", pytorch.medianRatioTo(samples));
                }
                out.println();
            });
        }
        out.flush();
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return lines.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no message").strip();
    }
}
