package io.qsvit.djl;

import io.qsvit.Examples;
import io.qsvit.djlserving.ServingLoad;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.image.ImagePipeline;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.EvaluateStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@code apply --djl-serving} folder loaded as DJL Serving loads it ({@link ServingLoad}), in a JVM of its own
 * whose class path is DJL's api, its OnnxRuntime engine and their dependencies (Maven's resolution of this
 * module's provided dependencies) and nothing of qsvit: the translator comes from the folder's
 * {@code libs/qsvit-djl.jar}. Its predictions on PNG files must be {@code evaluate}'s on the same files.
 */
class DjlServingFolderTest {
    static final int IMAGES = 200;

    @TempDir
    static Path dir;
    static Path artifact;
    static List<Path> pngs = new ArrayList<>();

    @BeforeAll
    static void applyAndWriteImages() throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\ngroups: {stage1.downsample: uniform4, stage3.block2: pow2-4}\n");
        artifact = dir.resolve("artifact");
        ApplyStep.run(Examples.model("sdtv2"), setting, artifact, true);
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
        ImageShape shape = images.shape().image();
        float[] pixels = new float[shape.size()];
        for (int i = 0; i < IMAGES; i++) {
            images.read(i, pixels);
            int[] samples = new int[pixels.length];
            for (int p = 0; p < pixels.length; p++) {
                samples[p] = Math.round(pixels[p] * 255); // the IDX byte the pixel came from
            }
            BufferedImage png = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_BYTE_GRAY);
            png.getRaster().setSamples(0, 0, shape.width(), shape.height(), 0, samples);
            Path file = Files.createDirectories(dir.resolve("pngs").resolve(Integer.toString(images.label(i))))
                    .resolve(String.format("%03d.png", i));
            ImageIO.write(png, "png", file.toFile());
        }
        try (Stream<Path> all = Files.walk(dir.resolve("pngs"))) {
            pngs.addAll(all.filter(Files::isRegularFile).sorted().toList()); // the image-folder reader's order
        }
    }

    @Test
    void theRealFolderServesAsEvaluatePredicts() throws Exception {
        servesAsEvaluatePredicts(ApplyStep.REAL);
    }

    @Test
    void theSimulatedFolderServesAsEvaluatePredicts() throws Exception {
        servesAsEvaluatePredicts(ApplyStep.SIMULATED);
    }

    /**
     * JPEGs as cameras write them, with an embedded colour profile (linear RGB) and, for every other file, EXIF
     * orientation 3 (upside down), served from a folder whose preprocessing applies EXIF: the served translator
     * decodes each request's bytes as {@code evaluate} decodes the file (no colour management, EXIF applied), so
     * every prediction is {@code evaluate}'s; DJL's own image decoding (ImageIO.read: colour-managed, no EXIF)
     * would give other samples for these files, which the test checks first.
     */
    @Test
    void jpegsWithColourProfilesAndExifServeAsEvaluatePredicts() throws Exception {
        Path jpegs = dir.resolve("jpegs");
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
        ImageShape shape = images.shape().image();
        float[] pixels = new float[shape.size()];
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.read(i, pixels);
            BufferedImage rgb = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < pixels.length; p++) {
                int v = Math.round(pixels[p] * 255);
                // upside down where the file says EXIF orientation 3, so that applying it gives the digit back
                int at = i % 2 == 0 ? p : pixels.length - 1 - p;
                rgb.setRGB(at % shape.width(), at / shape.width(), v << 16 | v << 8 | v);
            }
            byte[] jpeg = JpegSegments.withIccProfile(JpegSegments.jpeg(rgb));
            Path file = Files.createDirectories(jpegs.resolve(Integer.toString(images.label(i))))
                    .resolve(String.format("%03d.jpg", i));
            Files.write(file, i % 2 == 0 ? jpeg : JpegSegments.withExifOrientation(jpeg, 3));
            files.add(file);
        }
        files.sort(null); // the image-folder reader's order
        Preprocessing exif = Preprocessing.NONE.withExif(Preprocessing.Exif.APPLY);
        ImagePipeline pipeline = new ImagePipeline(exif, shape.sample());
        float[] ours = new float[shape.size()];
        float[] djls = new float[shape.size()];
        int differ = 0;
        for (Path file : files) {
            pipeline.apply(file, ours);
            pipeline.apply(ImageIO.read(file.toFile()), file.toString(), djls);
            differ += java.util.Arrays.equals(ours, djls) ? 0 : 1;
        }
        assertEquals(IMAGES, differ, "every file decodes otherwise through DJL's image factory");

        Path served = dir.resolve("served-jpegs");
        ApplyStep.run(Examples.model("sdtv2"), Files.writeString(dir.resolve("u8.yaml"), "default: uniform8\n"), served,
                true, exif, io.qsvit.quant.Runtime.DEFAULT);
        Path folder = served.resolve(ApplyStep.REAL);
        assertTrue(Files.readString(folder.resolve("serving.properties")).contains("exif=apply\n"));
        int[] evaluated = EvaluateStep.measure(new EvaluateStep.Request(folder, null,
                new EvaluationData(jpegs, DataFormat.IMAGES, IdxDataset.TEST_SPLIT, null, null, exif),
                null, 100, 2)).model().predictions();
        List<String> answers = serve(folder, "jpegs", files);
        assertEquals(IMAGES, answers.size() - 1);
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(files.get(i) + " " + evaluated[i], answers.get(i + 1));
        }
    }

    /**
     * The event reference model served: each of the bundled N-MNIST-format recordings, sent as a request's bytes,
     * gets the class {@code evaluate} predicts for it from the event folder.
     */
    @Test
    void anEventModelServesRecordingsAsEvaluatePredicts() throws Exception {
        Path events = dir.resolve("events");
        ApplyStep.run(Examples.model("spikformer-dvs"), Files.writeString(dir.resolve("dvs.yaml"), "default: uniform8\n"),
                events, true);
        Path folder = events.resolve(ApplyStep.REAL);
        int[] evaluated = EvaluateStep.measure(new EvaluateStep.Request(folder, null,
                new EvaluationData(Examples.eventSubset(), DataFormat.EVENTS, IdxDataset.TEST_SPLIT, null, null),
                null, 100, 2)).model().predictions();
        List<Path> recordings;
        try (Stream<Path> all = Files.walk(Examples.eventSubset())) {
            recordings = all.filter(f -> f.toString().endsWith(".bin")).sorted().toList(); // the event folder's order
        }
        List<String> served = serve(folder, "events", recordings);

        assertEquals("translator " + EventClassifierServingTranslator.class.getName() + " "
                + folder.resolve("libs/qsvit-djl.jar"), served.get(0));
        assertEquals(200, recordings.size());
        assertEquals(recordings.size(), served.size() - 1);
        for (int i = 0; i < recordings.size(); i++) {
            assertEquals(recordings.get(i) + " " + evaluated[i], served.get(i + 1));
        }
    }

    private void servesAsEvaluatePredicts(String form) throws Exception {
        Path folder = artifact.resolve(form);
        int[] evaluated = EvaluateStep.measure(new EvaluateStep.Request(folder, null,
                new EvaluationData(dir.resolve("pngs"), DataFormat.IMAGES, IdxDataset.TEST_SPLIT, null, null),
                null, 100, 2)).model().predictions();
        List<String> served = serve(folder, form, pngs);

        assertEquals("translator " + ImageClassifierServingTranslator.class.getName() + " "
                + folder.resolve("libs/qsvit-djl.jar"), served.get(0));
        assertEquals(IMAGES, served.size() - 1);
        int agree = 0;
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(pngs.get(i) + " " + evaluated[i], served.get(i + 1));
            agree++;
        }
        assertEquals(IMAGES, agree);
    }

    /** Runs {@link ServingLoad} on the folder in a new JVM; its output lines. */
    private static List<String> serve(Path folder, String name, List<Path> requests) throws Exception {
        String servingClassPath = Files.readString(Path.of(System.getProperty("qsvit.serving.classpath"))).strip();
        assertFalse(servingClassPath.contains("qsvit"), servingClassPath);
        for (String jar : List.of("/ai/djl/api/", "/ai/djl/onnxruntime/onnxruntime-engine/", "/com/microsoft/onnxruntime/")) {
            assertTrue(servingClassPath.contains(jar), jar + " missing from " + servingClassPath);
        }
        Path driver = driverClasses();
        Path list = Files.write(dir.resolve(name + "-requests.txt"), requests.stream().map(Path::toString).toList());
        Path out = dir.resolve(name + "-out.txt");
        Path err = dir.resolve(name + "-err.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", servingClassPath + File.pathSeparator + driver,
                "-Dai.djl.offline=true", "-DDJL_CACHE_DIR=" + dir.resolve("djl-cache-" + name),
                "-DENGINE_CACHE_DIR=" + dir.resolve("djl-engines-" + name),
                ServingLoad.class.getName(), folder.toString(), list.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "DJL Serving load of " + folder + " did not finish");
        assertEquals(0, process.exitValue(), Files.readString(err));
        return Files.readAllLines(out);
    }

    /** A folder holding the driver's class files alone (test-classes holds this test, which uses qsvit). */
    private static Path driverClasses() throws IOException {
        Path compiled = Path.of(ServingLoad.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        String packagePath = ServingLoad.class.getPackageName().replace('.', '/');
        Path target = Files.createDirectories(dir.resolve("driver").resolve(packagePath));
        try (Stream<Path> classes = Files.list(compiled.resolve(packagePath))) {
            for (Path c : classes.toList()) {
                Files.copy(c, target.resolve(c.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir.resolve("driver");
    }
}
