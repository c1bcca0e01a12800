package io.qsvit.djl;

import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.image.Preprocessing;
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
        DjlServing.write(dir, new ImageShape(3, 224, 224), p);
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
        for (Preprocessing p : List.of(Preprocessing.IMAGENET, bgr)) {
            Map<String, Object> arguments = written(p);
            assertEquals(p, ImageClassifierTranslatorFactory.preprocessing(arguments));
            assertEquals(new ImageShape(3, 224, 224), ImageClassifierTranslatorFactory.shape(arguments));
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
