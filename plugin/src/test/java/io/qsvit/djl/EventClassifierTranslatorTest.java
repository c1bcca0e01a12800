package io.qsvit.djl;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.eval.events.EventFiles;
import io.qsvit.eval.events.SplitBy;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Event recordings through DJL (tagged djl: a JVM of its own, see ImageClassifierTranslatorTest): a spiking
 * classifier with a time axis in either layout gives, for each recording file, the scores qsvit's evaluation
 * gives for the same file read from its event folder.
 */
@Tag("djl")
class EventClassifierTranslatorTest {
    static final int T = 3;

    @TempDir
    static Path dir;
    static Path events;
    static List<Path> files;

    @BeforeAll
    static void makeRecordings() throws IOException {
        Engine.getEngine("OnnxRuntime");
        events = dir.resolve("events");
        Random random = new Random(5);
        for (int i = 0; i < 10; i++) {
            EventFiles.write(events.resolve(i % 2 + "/" + i + ".bin"),
                    EventFiles.nmnist(EventFiles.random(random, 40 + 15 * i, 34, 34, 0, 300)));
        }
        try (Stream<Path> all = Files.walk(events)) {
            files = all.filter(Files::isRegularFile).sorted().toList();   // the event folder's reading order
        }
    }

    private static Path model(boolean timeMajor) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(timeMajor ? "tnchw" : "ntchw"));
        Files.write(folder.resolve("model.onnx"), TestGraphs.timeAxisClassifier(timeMajor, T).toByteArray());
        return folder;
    }

    /** qsvit's own scores for the event folder, time frames from a 34x34 sensor down to 2x2. */
    private static float[][] qsvit(Path folder) {
        Dataset data = Datasets.open(events, DatasetSpec.detect().withShape(SampleShape.of(T, 2, 2, 2))
                .withEvents(new EventOptions(SplitBy.TIME, 34, 34, 0, TimeLayout.AUTO)));
        try (OnnxClassifier classifier = OnnxClassifier.open(folder.resolve("model.onnx"), 1)) {
            return classifier.scores(data, 4);
        }
    }

    private static Criteria<Path, Classifications> criteria(Path folder, String layout) {
        return Criteria.builder().setTypes(Path.class, Classifications.class).optModelPath(folder)
                .optEngine("OnnxRuntime").optTranslatorFactory(new EventClassifierTranslatorFactory())
                .optArgument("frames", T).optArgument("height", 2).optArgument("width", 2)
                .optArgument("sensor", "34x34").optArgument("framesBy", "time").optArgument("timeLayout", layout).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void recordingsClassifyAsQsvitEvaluatesThemOneByOneAndInABatch(boolean timeMajor) throws Exception {
        Path folder = model(timeMajor);
        float[][] expected = qsvit(folder);
        try (ZooModel<Path, Classifications> model = criteria(folder, timeMajor ? "tnchw" : "ntchw").loadModel();
             Predictor<Path, Classifications> predictor = model.newPredictor()) {
            List<Classifications> batch = predictor.batchPredict(files);   // one run of [10, 3, ...] or [3, 10, ...]
            for (int i = 0; i < files.size(); i++) {
                assertArrayEquals(softmax(expected[i]), probabilities(predictor.predict(files.get(i))), 1e-6, "file " + i);
                assertArrayEquals(softmax(expected[i]), probabilities(batch.get(i)), 1e-6, "batched file " + i);
            }
        }
    }

    private static double[] probabilities(Classifications c) {
        double[] p = new double[2];
        for (Classifications.Classification item : c.items()) {
            p[Integer.parseInt(item.getClassName())] = item.getProbability();
        }
        return p;
    }

    private static double[] softmax(float[] scores) {
        double max = Math.max(scores[0], scores[1]);
        double a = Math.exp(scores[0] - max);
        double b = Math.exp(scores[1] - max);
        return new double[] {a / (a + b), b / (a + b)};
    }

    /** The serving translator, given a recording's bytes as DJL Serving hands a request, answers as the Path one. */
    @Test
    void requestBytesClassifyAsTheirFiles() throws Exception {
        Path folder = model(true);
        EventClassifierServingTranslator serving = new EventClassifierServingTranslator();
        serving.setArguments(Map.of("frames", "3", "height", "2", "width", "2", "sensor", "34x34", "framesBy", "time",
                "timeLayout", "tnchw"));
        Criteria<Input, Output> served = Criteria.builder().setTypes(Input.class, Output.class).optModelPath(folder)
                .optEngine("OnnxRuntime").optTranslator(serving).build();
        try (ZooModel<Path, Classifications> model = criteria(folder, "tnchw").loadModel();
             Predictor<Path, Classifications> byPath = model.newPredictor();
             ZooModel<Input, Output> servedModel = served.loadModel();
             Predictor<Input, Output> byRequest = servedModel.newPredictor()) {
            for (Path file : files) {
                Input request = new Input();
                request.add("data", Files.readAllBytes(file));
                Output response = byRequest.predict(request);
                assertEquals("application/json", response.getProperty("Content-Type", null));
                Classifications expected = byPath.predict(file);
                assertEquals(expected.toJson(), response.getData().getAsString(), file.toString());
            }
            Input cut = new Input();
            cut.add("data", Arrays.copyOf(Files.readAllBytes(files.get(0)), 12));
            assertEquals("the request's recording is cut mid-event: 12 bytes is not a whole number of 5-byte N-MNIST"
                    + " events (2 bytes left over)", rootMessage(assertThrows(TranslateException.class,
                    () -> byRequest.predict(cut))));
            assertEquals("the request holds no recording", rootMessage(assertThrows(TranslateException.class,
                    () -> byRequest.predict(new Input()))));
        }
    }

    @Test
    void aDamagedRecordingGivesTheReaderReason() throws Exception {
        Path cut = dir.resolve("cut.bin");
        byte[] bytes = Files.readAllBytes(files.get(0));
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1));
        try (ZooModel<Path, Classifications> model = criteria(model(false), "ntchw").loadModel();
             Predictor<Path, Classifications> predictor = model.newPredictor()) {
            TranslateException e = assertThrows(TranslateException.class, () -> predictor.predict(cut));
            assertEquals(cut + " is cut mid-event: " + (bytes.length - 1) + " bytes is not a whole number of 5-byte"
                    + " N-MNIST events (4 bytes left over)", rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    @Test
    void missingOrBadArgumentsAreNamed() {
        EventClassifierTranslatorFactory factory = new EventClassifierTranslatorFactory();
        assertEquals("qsvit's event translator: the arguments frames, height and width are needed (serving.properties"
                + " or Criteria.optArgument); missing: frames, height", assertThrows(TranslateException.class,
                () -> factory.newInstance(Path.class, Classifications.class, null, Map.of("width", 2))).getMessage());
        assertEquals("qsvit's event translator: unknown frame split 'count' (number or time)",
                assertThrows(TranslateException.class, () -> factory.newInstance(Path.class, Classifications.class,
                        null, Map.of("frames", 3, "width", 2, "height", 2, "framesBy", "count"))).getMessage());
    }
}
