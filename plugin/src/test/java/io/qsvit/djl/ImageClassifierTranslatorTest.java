package io.qsvit.djl;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.util.Utils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.Accuracy;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.Dataset;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.DjlServing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tagged djl: runs in a JVM of its own (see the plugin's pom), as DJL's OnnxRuntime engine must create ONNX
 * Runtime's environment before anything else does.
 */
@Tag("djl")
class ImageClassifierTranslatorTest {
    static final int IMAGES = 40;

    @TempDir
    static Path dir;
    static Path artifact;
    static Path pngs;
    static List<Path> files = new ArrayList<>();
    /** What qsvit predicts for the PNG files, read by its own image-folder reader, in reading order. */
    static int[] qsvit;

    @BeforeAll
    static void applyAndExport() throws IOException {
        Engine.getEngine("OnnxRuntime");
        System.setProperty("DJL_CACHE_DIR", dir.resolve("djl-cache").toString()); // empty: shows what DJL writes
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\ngroups: {stage1.downsample: uniform4}\n");
        artifact = dir.resolve("artifact");
        ApplyStep.run(Examples.model("sdtv2"), setting, artifact, true);
        pngs = dir.resolve("pngs");
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
        float[] pixels = new float[784];
        for (int i = 0; i < IMAGES; i++) {
            images.read(i, pixels);
            int[] samples = new int[784];
            for (int p = 0; p < 784; p++) {
                samples[p] = Math.round(pixels[p] * 255);
            }
            BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            png.getRaster().setSamples(0, 0, 28, 28, 0, samples);
            Path file = Files.createDirectories(pngs.resolve(Integer.toString(images.label(i)))).resolve(String.format("%02d.png", i));
            ImageIO.write(png, "png", file.toFile());
        }
        try (Stream<Path> all = Files.walk(pngs)) {
            files.addAll(all.filter(Files::isRegularFile).sorted().toList()); // class folders 0-9, then names
        }
        Dataset read = Datasets.open(pngs, DatasetSpec.detect().withShape(new ImageShape(1, 28, 28)));
        try (OnnxClassifier classifier = OnnxClassifier.open(artifact.resolve("real/model.onnx"), 2)) {
            qsvit = Accuracy.predictions(classifier.scores(read, IMAGES));
        }
    }

    @Test
    void servingPropertiesNameTheseClasses() {
        assertEquals(DjlServing.TRANSLATOR, ImageClassifierServingTranslator.class.getName());
        assertEquals(DjlServing.TRANSLATOR_FACTORY, ImageClassifierTranslatorFactory.class.getName());
        assertEquals(DjlServing.EVENT_TRANSLATOR_FACTORY, EventClassifierTranslatorFactory.class.getName());
        assertEquals(DjlServing.EVENT_TRANSLATOR, EventClassifierServingTranslator.class.getName());
    }

    @Test
    void servingFolderLoadsThroughCriteriaWithTheFactoryAndPredictsAsQsvit() throws Exception {
        // typed inputs and outputs: the factory, with the image size from the folder's serving.properties
        Criteria<Path, Classifications> criteria = Criteria.builder().setTypes(Path.class, Classifications.class)
                .optModelPath(artifact.resolve("real")).optTranslatorFactory(new ImageClassifierTranslatorFactory()).build();
        try (ZooModel<Path, Classifications> model = criteria.loadModel();
             Predictor<Path, Classifications> predictor = model.newPredictor()) {
            assertEquals("OnnxRuntime", model.getNDManager().getEngine().getEngineName());
            for (int i = 0; i < files.size(); i++) {
                Classifications c = predictor.predict(files.get(i));
                assertEquals(Integer.toString(qsvit[i]), c.best().getClassName(), files.get(i).toString());
                assertEquals(1.0, c.items().stream().mapToDouble(Classifications.Classification::getProbability).sum(), 1e-9);
            }
        }
    }

    @Test
    void plainApplyFolderLoadsWithArgumentsAndBatches() throws Exception {
        Path plain = dir.resolve("plain");
        ApplyStep.run(Examples.model("sdtv2"), dir.resolve("s.yaml"), plain);
        Criteria<Image, Classifications> criteria = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelPath(plain.resolve("simulated")).optEngine("OnnxRuntime")
                .optTranslatorFactory(new ImageClassifierTranslatorFactory())
                .optArgument("width", 28).optArgument("height", 28).optArgument("flag", "GRAYSCALE").build();
        List<Image> images = new ArrayList<>();
        for (Path file : files) {
            images.add(ImageFactory.getInstance().fromFile(file));
        }
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
             Predictor<Image, Classifications> predictor = model.newPredictor()) {
            List<Classifications> batch = predictor.batchPredict(images); // one ONNX Runtime run of [40, 1, 28, 28]
            for (int i = 0; i < files.size(); i++) {
                assertEquals(Integer.toString(qsvit[i]), batch.get(i).best().getClassName(), files.get(i).toString());
            }
            BufferedImage large = new BufferedImage(32, 30, BufferedImage.TYPE_BYTE_GRAY);
            TranslateException e = assertThrows(TranslateException.class,
                    () -> predictor.predict(ImageFactory.getInstance().fromImage(large)));
            assertEquals("image is 30x32 (height x width) but the model takes 28x28 (resize and crop with --preset"
                    + " imagenet or --resize/--crop)", e.getMessage());
        }
    }

    @Test
    void zippedFolderLoadsFromAFileUrlAndDjlDownloadsNothing() throws Exception {
        assertTrue(Utils.isOfflineMode());
        Path zip = dir.resolve("model.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (String name : List.of("model.onnx", "serving.properties", "libs/qsvit-djl.jar")) {
                z.putNextEntry(new ZipEntry(name));
                Files.copy(artifact.resolve("real").resolve(name), z);
                z.closeEntry();
            }
        }
        Criteria<Path, Classifications> criteria = Criteria.builder().setTypes(Path.class, Classifications.class)
                .optModelUrls(zip.toUri().toString()).optTranslatorFactory(new ImageClassifierTranslatorFactory()).build();
        try (ZooModel<Path, Classifications> model = criteria.loadModel();
             Predictor<Path, Classifications> predictor = model.newPredictor()) {
            assertEquals(Integer.toString(qsvit[0]), predictor.predict(files.get(0)).best().getClassName());
        }
        try (Stream<Path> cached = Files.walk(dir.resolve("djl-cache"))) {
            // the unpacked model and nothing else: no engine, no native library, no model zoo index
            assertEquals(List.of("model.onnx", "qsvit-djl.jar", "serving.properties"),
                    cached.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void djlServingInputGivesTheClassificationsAsJson() throws Exception {
        // no translator given: DJL takes the one serving.properties names, as DJL Serving does
        Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelPath(artifact.resolve("real")).build();
        try (ZooModel<Input, Output> model = criteria.loadModel(); Predictor<Input, Output> predictor = model.newPredictor()) {
            assertEquals(ImageClassifierServingTranslator.class, model.getTranslator().getClass());
            Input request = new Input();
            request.add(Files.readAllBytes(files.get(0)));
            Output response = predictor.predict(request);
            assertEquals("application/json", response.getProperty("Content-Type", null));
            JsonNode top = new ObjectMapper().readTree(response.getData().getAsString());
            assertEquals(Integer.toString(qsvit[0]), top.get(0).get("className").asText());
        }
    }

    @Test
    void theServingTranslatorNamesMissingArgumentsAndNeedsThem() {
        ImageClassifierServingTranslator translator = new ImageClassifierServingTranslator();
        assertEquals("setArguments was not called: DJL Serving passes width, height and flag from serving.properties",
                assertThrows(IllegalStateException.class, translator::getBatchifier).getMessage());
        assertEquals("qsvit's translator needs the arguments width, height and flag (GRAYSCALE or COLOR), in "
                        + "serving.properties or Criteria.optArgument; missing: flag",
                assertThrows(IllegalArgumentException.class,
                        () -> translator.setArguments(Map.of("width", "28", "height", "28"))).getMessage());
    }

    @Test
    void missingOrBadArgumentsAreNamed() {
        ImageClassifierTranslatorFactory factory = new ImageClassifierTranslatorFactory();
        assertEquals("qsvit's translator needs the arguments width, height and flag (GRAYSCALE or COLOR), in "
                        + "serving.properties or Criteria.optArgument; missing: height, flag",
                assertThrows(IllegalArgumentException.class,
                        () -> factory.newInstance(Image.class, Classifications.class, null, Map.of("width", 28))).getMessage());
        assertEquals("argument width is '28.5'; a positive whole number is expected",
                assertThrows(IllegalArgumentException.class, () -> factory.newInstance(Image.class, Classifications.class,
                        null, Map.of("width", "28.5", "height", "28", "flag", "GRAYSCALE"))).getMessage());
        assertEquals("argument flag is 'GREY'; GRAYSCALE or COLOR is expected",
                assertThrows(IllegalArgumentException.class, () -> factory.newInstance(Image.class, Classifications.class,
                        null, Map.of("width", "28", "height", "28", "flag", "GREY"))).getMessage());
    }
}
