package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.EveryFormat;
import io.qsvit.Examples;
import io.qsvit.cli.Qsvit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed apply-evaluate Kubeflow pipeline, run by the local runner through each container's command
 * line, on the same 30 images as NPY, libsvm and an image folder: the same metrics as on the IDX data, and the
 * image folder also through the pipeline's preprocessing parameters.
 */
class KubeflowEveryFormatTest {
    private static final int IMAGES = 30;

    @TempDir
    Path dir;
    private int runs;

    private JsonNode run(Path data, Map<String, String> extra) throws IOException {
        Map<String, String> parameters = new LinkedHashMap<>(Map.of("model_uri", Examples.model("sdtv2").toString(),
                "data_uri", data.toString(), "setting_uri", StubSteps.exampleSetting().toString(), "limit", "" + IMAGES));
        parameters.putAll(extra);
        return new LocalRunner(PipelineSpecs.read(ApplyEvaluatePipelineTest.SPEC), dir.resolve("work" + runs++),
                Runs.javaMain(Qsvit.class), new PrintWriter(new StringWriter())).run(parameters);
    }

    private static String metrics(JsonNode run) {
        JsonNode m = run.at("/tasks/evaluate/artifacts/metrics/metadata");
        return m.get("images") + " " + m.get("correct") + " " + m.get("accuracy") + " " + m.get("agreement");
    }

    @Test
    void everyFormatGivesTheSameMetricsThroughTheComponents() throws IOException {
        Map<String, Path> formats = EveryFormat.write(dir, IMAGES);
        String idx = metrics(run(formats.get("idx"), Map.of()));
        assertEquals(IMAGES, Integer.parseInt(idx.split(" ")[0]));
        for (String format : new String[] {"npy", "libsvm", "images"}) {
            assertEquals(idx, metrics(run(formats.get(format), Map.of())), format);
        }
        // the preprocessing parameters reach the components: a 28-pixel center crop of 28x28 images and an
        // explicit mean and std of 0 and 1 change nothing, and are recorded
        JsonNode preprocessed = run(formats.get("images"), Map.of("crop", "28", "mean", "0", "std", "1", "exif", "apply"));
        assertEquals(idx, metrics(preprocessed));
    }
}
