package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.eval.events.EventFiles;
import io.qsvit.eval.events.EventFiles.Events;
import io.qsvit.model.TestGraphs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event folders through the commands, on a small spiking classifier with a time axis ([N, 3, 2, 2, 2]) fed
 * down-sampled 34x34 N-MNIST-format recordings; and every bad event input ends in one error line naming the
 * file, exit code 1 and no output folder.
 */
class EventDataCommandTest {
    @TempDir
    Path dir;
    Path model;
    Path data;

    @BeforeEach
    void makeModelAndData() throws IOException {
        model = Files.write(dir.resolve("model.onnx"), TestGraphs.timeAxisClassifier(false, 3).toByteArray());
        data = dir.resolve("events");
        Random random = new Random(3);
        for (int i = 0; i < 12; i++) {
            Events e = EventFiles.random(random, 50 + 20 * i, 34, 34, 0, 500);
            EventFiles.write(data.resolve(i % 2 + "/" + i + ".bin"), EventFiles.nmnist(e));
        }
    }

    private QsvitCliTest.Run evaluate(Path events, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--cache-dir", dir.resolve("cache").toString(),
                "evaluate", "--model", model.toString(), "--data", events.toString(), "--sensor", "34x34"));
        args.addAll(Arrays.asList(more));
        return QsvitCliTest.run(args.toArray(String[]::new));
    }

    @Test
    void evaluateReadsAnEventFolderAndRecordsTheEventOptions() throws IOException {
        Path out = dir.resolve("out");
        QsvitCliTest.Run run = evaluate(data, "--frames-by", "time", "--out", out.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(12, report.get("images").asInt());
        JsonNode metadata = new ObjectMapper().readTree(out.resolve("metadata.json").toFile());
        assertEquals("time", metadata.at("/parameters/events/split_by").asText(), metadata.toString());
        assertEquals("34x34", metadata.at("/parameters/events/sensor").asText());
        assertTrue(metadata.at("/results/model/energy/microjoules_per_image").asDouble() > 0, metadata.toString());
    }

    @Test
    void applyServesAnEventModelWithTheEventOptionsAndCalibratesWithThem() throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform4\n");
        Path out = dir.resolve("served");
        QsvitCliTest.Run run = QsvitCliTest.run("--cache-dir", dir.resolve("cache").toString(), "apply", "--model",
                model.toString(), "--setting", setting.toString(), "--out", out.toString(), "--djl-serving",
                "--frames-by", "time", "--sensor", "34x34", "--bias-correction", "--calibration-data", data.toString(),
                "--calibration-limit", "12");
        assertEquals(0, run.exit(), run.err());
        String properties = Files.readString(out.resolve("real/serving.properties"));
        assertTrue(properties.contains("translator=io.qsvit.djl.EventClassifierServingTranslator\nframes=3\nheight=2"
                + "\nwidth=2\ntimeLayout=ntchw\nframesBy=time\nsensor=34x34\n"), properties);
        JsonNode metadata = new ObjectMapper().readTree(out.resolve("metadata.json").toFile());
        assertEquals("time", metadata.at("/parameters/serving_events/split_by").asText(), metadata.toString());
        assertEquals("34x34", metadata.at("/parameters/calibration/events/sensor").asText(), metadata.toString());
        assertTrue(metadata.at("/results/bias_correction/corrected_layers").asInt() > 0, metadata.toString());
    }

    @Test
    void withoutTheSensorSizeEventsOutsideTheFramesAreRefused() {
        QsvitCliTest.Run run = QsvitCliTest.run("--cache-dir", dir.resolve("cache").toString(), "evaluate", "--model",
                model.toString(), "--data", data.toString(), "--out", dir.resolve("out").toString());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
        assertTrue(run.err().matches("qsvit: error: " + java.util.regex.Pattern.quote(data.toString())
                + "/0/0.bin: event \\d+ at \\(x \\d+, y \\d+\\) is outside the 2x2 \\(width x height\\) sensor; give the"
                + " recording's sensor size \\(--sensor WIDTHxHEIGHT\\)\n"), run.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    private void assertRefused(QsvitCliTest.Run run, String message) {
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit(), run.err());
        assertEquals("qsvit: error: " + message + "\n", run.err());
        assertFalse(Files.exists(dir.resolve("out")), "no output folder");
    }

    @Test
    void aRecordingCutMidEventIsNamed() throws IOException {
        Path cut = data.resolve("1/5.bin");
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 3));
        assertRefused(evaluate(data, "--out", dir.resolve("out").toString()), cut + " is cut mid-event: "
                + (bytes.length - 3) + " bytes is not a whole number of 5-byte N-MNIST events (2 bytes left over)");
    }

    @Test
    void eventsOutsideTheSensorAreNamed() throws IOException {
        Path wide = data.resolve("0/4.bin");
        Events e = new Events(new int[] {1, 2, 35}, new int[] {1, 2, 3}, new long[] {0, 1, 2}, new int[] {0, 1, 1});
        Files.write(wide, EventFiles.nmnist(e));
        assertRefused(evaluate(data, "--out", dir.resolve("out").toString()), wide + ": event 2 at (x 35, y 3) is"
                + " outside the 34x34 (width x height) sensor; give the recording's sensor size (--sensor WIDTHxHEIGHT)");
    }

    @Test
    void timestampsGoingBackwardsAreNamed() throws IOException {
        Path back = data.resolve("1/3.bin");
        Events e = new Events(new int[] {1, 2, 3}, new int[] {1, 2, 3}, new long[] {50, 40, 60}, new int[] {0, 1, 1});
        Files.write(back, EventFiles.nmnist(e));
        assertRefused(evaluate(data, "--out", dir.resolve("out").toString()), back + ": timestamps go backwards at"
                + " event 1 (40 us after 50 us); events must be in time order");
    }

    @Test
    void aMissingDvsGestureLabelFileIsNamed() throws IOException {
        Path gesture = dir.resolve("gesture");
        EventFiles.write(gesture.resolve("user03_natural.aedat"), EventFiles.aedat31(
                EventFiles.random(new Random(4), 100, 34, 34, 0, 100), 64));
        assertRefused(evaluate(gesture, "--out", dir.resolve("out").toString()), "label file not found: "
                + gesture.resolve("user03_natural_labels.csv"));
    }

    @Test
    void badEventOptionsAreOneLine() {
        assertRefused(evaluate(data, "--frames-by", "count"), "unknown frame split 'count' (number or time)");
        assertRefused(evaluate(data, "--frames", "4"), "--frames 4 but the model's time axis is fixed at 3");
        assertRefused(evaluate(data, "--time-layout", "tn"), "unknown time layout 'tn' (auto, ntchw or tnchw)");
        assertEquals("qsvit: error: sensor size '34' is not WIDTHxHEIGHT, e.g. 128x128\n",
                QsvitCliTest.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--sensor", "34")
                        .err());
    }
}
