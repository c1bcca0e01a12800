package io.qsvit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.ImageFolderDataset;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.eval.data.SampleBatches;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.image.ImagePipeline;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The image pipeline's speed, two ways, in interleaved turns:
 * <ol>
 *   <li>decode + preprocess (the {@code imagenet} preset) of the same files: qsvit on one thread and on its
 *       reader threads, against PIL + torchvision (Debian's, through /usr/bin/python3, one thread) doing what a
 *       PyTorch user's evaluation transform does; the per-core ratio compares one thread with one thread;</li>
 *   <li>evaluation end to end on a synthetic 224x224 classifier ({@link ImageClassifierModel}): the evaluate
 *       step's session reading the image folder (decoding on reader threads ahead of ONNX Runtime) against a bare
 *       ONNX Runtime loop over tensors decoded beforehand.</li>
 * </ol>
 * Without --data the files are scikit-image's colour photographs (Debian's python3-skimage) saved as JPEG,
 * repeated to the number of images asked for, in ten class folders.
 */
public final class ImagesBenchmark {
    static final String OURS_ONE = "qsvit, 1 thread";
    static final String OURS_ALL = "qsvit, %d reader threads";
    static final String DECODE_ONLY = "qsvit, read + decode only";
    static final String PIL = "PIL + torchvision, 1 thread";
    static final String BARE = "bare ONNX Runtime, pre-decoded";
    static final String END_TO_END = "evaluate: decode ahead + ORT";
    private static final Path SKIMAGE = Path.of("/usr/lib/python3/dist-packages/skimage/data");
    private static final List<String> PHOTOS = List.of("astronaut.png", "chelsea.png", "coffee.png",
            "hubble_deep_field.jpg", "rocket.jpg", "motorcycle_left.png", "retina.jpg");

    /** @param data an image folder (class sub-folders), or null for scikit-image's photographs */
    public record Options(Path data, int images, int threads, int workers, int batch, int repeats, int blocks) {
    }

    private ImagesBenchmark() {
    }

    public static void run(Options options, Path work, PrintWriter out) throws Exception {
        Path folder = options.data() != null ? options.data() : photographs(work.resolve("images"), options.images());
        Preprocessing preset = Preprocessing.IMAGENET;
        SampleShape shape = SampleShape.of(3, ImageClassifierModel.SIDE, ImageClassifierModel.SIDE);
        Dataset images = Datasets.open(folder, DatasetSpec.detect().withFormat(DataFormat.IMAGES).withShape(shape)
                .withPreprocessing(preset));
        ImageFolderDataset files = (ImageFolderDataset) images;
        out.printf("images: %d files from %s, preset imagenet (resize 256, crop 224); %d cores, load average %.2f; "
                        + "medians of %d turns after a warm-up%n", images.size(), folder,
                Runtime.getRuntime().availableProcessors(), loadAverage(), options.repeats());
        out.flush();
        decoding(files, preset, shape, options, work, out);
        endToEnd(images, options, work, out);
    }

    private static void decoding(ImageFolderDataset files, Preprocessing preset, SampleShape shape, Options options,
                                 Path work, PrintWriter out) throws Exception {
        ImagePipeline pipeline = new ImagePipeline(preset, shape);
        float[] sample = new float[shape.size()];
        Path list = work.resolve("files.txt");
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            paths.append(files.file(i).toAbsolutePath()).append('\n');
        }
        Files.writeString(list, paths);
        Path script = work.resolve("bench_pil.py");
        try (InputStream in = ImagesBenchmark.class.getResourceAsStream("bench_pil.py")) {
            Files.copy(in, script);
        }
        String all = OURS_ALL.formatted(options.workers());
        Interleaved turns = new Interleaved()
                .add(OURS_ONE, () -> {
                    double sum = 0;
                    for (int i = 0; i < files.size(); i++) {
                        pipeline.apply(files.file(i), sample);
                        sum += sample[0];
                    }
                    return sum;
                })
                .add(all, () -> {
                    SampleBatches.forEach(files, options.workers(), (i, values) -> {
                    });
                    return null;
                })
                .add(DECODE_ONLY, () -> {
                    long pixels = 0;
                    for (int i = 0; i < files.size(); i++) {
                        pixels += pipeline.decodeOnly(files.file(i));
                    }
                    return pixels;
                });
        Path errors = Files.createTempFile(work, "pil", ".log");
        Process python = Files.isExecutable(PytorchBenchmark.PYTHON) ? new ProcessBuilder(PytorchBenchmark.PYTHON.toString(),
                script.toString(), list.toString()).redirectError(errors.toFile()).start() : null;
        out.println("decode + preprocess (imagenet preset), images/s; JPEG decoder " + ImagePipeline.jpegDecoder() + ":");
        try {
            BufferedReader answers = python == null ? null
                    : new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
            String ready = answers == null ? null : answers.readLine();
            if (ready != null && ready.startsWith("ready ")) {
                Writer requests = python.outputWriter(StandardCharsets.UTF_8);
                turns.add(PIL, () -> {
                    requests.write("run\n");
                    requests.flush();
                    String answer = answers.readLine();
                    if (answer == null || !answer.startsWith("seconds ")) {
                        throw new IllegalStateException("bench_pil.py stopped: " + Files.readString(errors).strip());
                    }
                    return answer;
                });
            } else {
                out.println("  PIL + torchvision skipped: " + (python == null ? PytorchBenchmark.PYTHON + " not found"
                        : Files.readString(errors).strip()));
            }
            Map<String, Samples> times = turns.run(options.repeats());
            Samples pil = times.get(PIL);
            times.forEach((name, samples) -> {
                out.printf("  %-30s median %.3f s  %7.1f images/s", name, samples.median(), files.size() / samples.median());
                if (pil != null && samples != pil && !name.equals(DECODE_ONLY)) { // decoding alone is not PIL's whole work
                    out.printf("  %.2fx PIL + torchvision", pil.medianRatioTo(samples));
                }
                out.println();
            });
            if (pil != null) {
                out.printf("  per core: qsvit %.2fx PIL + torchvision (one thread each; goal >= 2x)%n",
                        pil.medianRatioTo(times.get(OURS_ONE)));
            }
            double whole = times.get(OURS_ONE).median() * 1000 / files.size();
            double decode = times.get(DECODE_ONLY).median() * 1000 / files.size();
            out.printf("  one thread, per image: %.2f ms, of which reading and decoding %.2f ms, resize, crop and "
                    + "normalize %.2f ms%n", whole, decode, whole - decode);
        } finally {
            if (python != null) {
                python.getOutputStream().close();
                if (!python.waitFor(30, TimeUnit.SECONDS)) {
                    python.destroyForcibly();
                }
            }
        }
        out.flush();
    }

    private static void endToEnd(Dataset images, Options options, Path work, PrintWriter out) throws Exception {
        Path modelFile = work.resolve("synthetic-224.onnx");
        Files.write(modelFile, ImageClassifierModel.build(options.blocks()).toByteArray());
        out.printf("evaluate end to end: synthetic 224x224 classifier (%d blocks), batch %d, %d ONNX Runtime threads, "
                + "%d reader threads:%n", options.blocks(), options.batch(), options.threads(), options.workers());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Dataset decoded = MemoryDataset.load(images, options.workers());
        List<OnnxTensor> batches = new ArrayList<>();
        int size = decoded.shape().size();
        for (int start = 0; start < decoded.size(); start += options.batch()) {
            int n = Math.min(options.batch(), decoded.size() - start);
            float[] values = new float[n * size];
            float[] sample = new float[size];
            for (int i = 0; i < n; i++) {
                decoded.read(start + i, sample);
                System.arraycopy(sample, 0, values, i * size, size);
            }
            batches.add(OnnxTensor.createTensor(env, FloatBuffer.wrap(values), decoded.shape().batchShape(n, 0)));
        }
        ModelLayers layers = ModelLayers.of(OnnxModel.load(modelFile), Grouping.QSVIT);
        try (OrtSession.SessionOptions bareOptions = new OrtSession.SessionOptions()) {
            bareOptions.setIntraOpNumThreads(options.threads());
            bareOptions.setInterOpNumThreads(1);
            try (OrtSession bare = env.createSession(modelFile.toString(), bareOptions);
                 EvaluationSession session = EvaluationSession.openFixed(layers, options.threads())) {
                String input = bare.getInputNames().iterator().next();
                Map<String, Samples> times = new Interleaved()
                        .add(BARE, () -> {
                            int outputs = 0;
                            for (OnnxTensor batch : batches) {
                                try (OrtSession.Result result = bare.run(Map.of(input, batch))) {
                                    outputs += result.size();
                                }
                            }
                            return outputs;
                        })
                        .add(END_TO_END, () -> session.run(images, options.batch()))
                        .run(options.repeats());
                Samples baseline = times.get(BARE);
                times.forEach((name, samples) -> out.printf("  %-30s median %.3f s  %7.1f images/s%n", name,
                        samples.median(), images.size() / samples.median()));
                out.printf("  end to end / bare ONNX Runtime on pre-decoded tensors: %.3fx (goal >= 0.95x)%n",
                        baseline.medianRatioTo(times.get(END_TO_END)));
            }
        } finally {
            batches.forEach(OnnxTensor::close);
        }
        out.flush();
    }

    /** scikit-image's colour photographs as JPEG files, repeated to {@code count}, in ten class folders. */
    static Path photographs(Path folder, int count) throws IOException {
        List<BufferedImage> photos = new ArrayList<>();
        for (String name : PHOTOS) {
            Path file = SKIMAGE.resolve(name);
            if (Files.isRegularFile(file)) {
                BufferedImage read = ImageIO.read(file.toFile());
                BufferedImage rgb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
                rgb.getGraphics().drawImage(read, 0, 0, null);
                photos.add(rgb);
            }
        }
        if (photos.isEmpty()) {
            throw new io.qsvit.UserInputException("no photographs in " + SKIMAGE + " (Debian's python3-skimage); "
                    + "give --data with an image folder");
        }
        for (int i = 0; i < count; i++) {
            Path file = Files.createDirectories(folder.resolve("class" + i % 10)).resolve(String.format("%05d.jpg", i));
            ImageIO.write(photos.get(i % photos.size()), "jpeg", file.toFile());
        }
        return folder;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
