package io.qsvit.djl;

import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.eval.events.FrameIntegration;
import io.qsvit.eval.events.SplitBy;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import io.qsvit.step.DjlServing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The preprocessing apply --djl-serving writes into serving.properties is the one the translator factory reads. */
class ServingPreprocessingTest {
    @TempDir
    Path dir;

    private Map<String, Object> written(Preprocessing p) throws IOException {
        return written(DjlServing.imageProperties(new ImageShape(3, 224, 224), p));
    }

    private Map<String, Object> written(String lines) throws IOException {
        DjlServing.write(dir, lines);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(DjlServing.FILE))) {
            properties.load(in);
        }
        Map<String, Object> arguments = new HashMap<>();
        properties.forEach((k, v) -> arguments.put(k.toString(), v));
        return arguments;
    }

    @Test
    void presetsAndExplicitValuesSurviveTheRoundTrip() throws IOException {
        Preprocessing bgr = Preprocessing.IMAGENET.withChannelOrder(Preprocessing.ChannelOrder.BGR).withDivideBy(1)
                .withMean(List.of(103.94, 116.78, 123.68)).withStd(List.of(1.0)).withResize(232);
        for (Preprocessing p : List.of(Preprocessing.IMAGENET, bgr, Preprocessing.IMAGENET.withExif(Preprocessing.Exif.APPLY),
                Preprocessing.NONE.withExif(Preprocessing.Exif.APPLY))) {
            Map<String, Object> arguments = written(p);
            assertEquals(p, ImageClassifierTranslatorFactory.preprocessing(arguments));
            assertEquals(new ImageShape(3, 224, 224), ImageClassifierTranslatorFactory.shape(arguments));
        }
    }

    @Test
    void eventOptionsSurviveTheRoundTrip() throws IOException {
        for (boolean timeMajor : new boolean[] {false, true}) {
            Path file = dir.resolve("events-" + timeMajor + ".onnx");
            Files.write(file, TestGraphs.timeAxisClassifier(timeMajor, 3).toByteArray());
            OnnxModel model = OnnxModel.load(file);
            Map<String, Object> arguments = written(DjlServing.properties(model, Preprocessing.NONE,
                    EventOptions.of("time", "34x34", null, null)));
            assertEquals(DjlServing.EVENT_TRANSLATOR, arguments.get("translator"));
            assertEquals(new FrameIntegration(3, SplitBy.TIME, 34, 34, 2, 2),
                    EventClassifierTranslatorFactory.integration(arguments));
            assertEquals(timeMajor ? TimeLayout.TNCHW : TimeLayout.NTCHW, EventClassifierTranslatorFactory.layout(arguments));
        }
    }

    @Test
    void theNonePresetWritesNoPreprocessingLines() throws IOException {
        Map<String, Object> arguments = written(Preprocessing.NONE);
        assertFalse(arguments.containsKey("preset"));
        assertEquals(Preprocessing.NONE, ImageClassifierTranslatorFactory.preprocessing(arguments));
    }

    @Test
    void badArgumentsAreExplained() {
        assertEquals("qsvit's translator: unknown preprocessing preset 'imagenette' (none, imagenet)",
                assertThrows(IllegalArgumentException.class,
                        () -> ImageClassifierTranslatorFactory.preprocessing(Map.of("preset", "imagenette"))).getMessage());
    }
}
