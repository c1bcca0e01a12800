package io.qsvit.cli;

import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With standard output and error going to files (a log, a Kubeflow pod), long steps still say how far they are. */
class ProgressInLogsTest {
    @TempDir
    Path dir;

    /** qsvit in a process of its own, stdout and stderr redirected to files; returns {stdout, stderr}. */
    String[] qsvit(String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dqsvit.cache=off", "-cp", System.getProperty("java.class.path"), Qsvit.class.getName()));
        line.addAll(List.of(args));
        Path out = dir.resolve("stdout.log");
        Path err = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertEquals(0, process.waitFor(), Files.readString(err));
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    @Test
    void runPrintsEachStepsStartAndEndAndItsSweepEachCell() throws IOException, InterruptedException {
        Files.writeString(dir.resolve("pipeline.yaml"), """
                data: {limit: 60, seed: 1}
                threads: 2
                requirement: {max_drop: 0.05}
                sensitivity: {precisions: [uniform4]}
                """);
        String[] logs = qsvit("run", "--model", Examples.model("sdtv2").toString(), "--data", Examples.subset().toString(),
                "--out", dir.resolve("out").toString(), "--config", dir.resolve("pipeline.yaml").toString());
        List<String> steps = logs[0].lines().filter(l -> l.matches("(sensitivity|bounds|explore|apply|evaluate) .*")).toList();
        List<String> expected = new ArrayList<>();
        for (String step : List.of("sensitivity", "bounds", "explore", "apply", "evaluate")) {
            expected.add(step + " started");
            expected.add(step + " computed");
        }
        assertEquals(expected, steps.stream().map(l -> l.replaceAll(" +", " ").replaceAll("^(\\S+ \\S+).*", "$1")).toList(),
                logs[0]);
        // the sweep inside run: one line per cell, done/total and ETA (before, run printed nothing here)
        List<String> cells = logs[1].lines().filter(l -> l.startsWith("sensitivity: ") && !l.startsWith("sensitivity: evaluation ")).toList();
        assertEquals(11, cells.size(), logs[1]); // the float baseline and 10 groups at uniform4
        Pattern cell = Pattern.compile("sensitivity: (\\d+)/11 .+: accuracy 0\\.\\d{4}, ETA \\d+m\\d\\ds");
        for (int i = 0; i < cells.size(); i++) {
            var m = cell.matcher(cells.get(i));
            assertTrue(m.matches(), cells.get(i));
            assertEquals(i + 1, Integer.parseInt(m.group(1)));
        }
        // the raced sweep (run's default) also logs each racing evaluation, named by its step
        assertTrue(logs[1].lines().anyMatch(l -> l.matches("sensitivity: evaluation 1 \\(images 0-\\d+ of \\d+\\): accuracy "
                + "[01]\\.\\d{4}, \\d+ s so far")), logs[1]);
        assertTrue(logs[1].lines().anyMatch(l -> l.matches("bounds: 1/2 bSettingH: accuracy 0\\.\\d{4} on \\d+ images")), logs[1]);
        assertTrue(logs[1].lines().anyMatch(l -> l.matches("bounds: 2/2 bSettingL: accuracy 0\\.\\d{4} on \\d+ images")), logs[1]);
        assertTrue(logs[1].lines().anyMatch(l -> l.matches("explore: evaluation 1 \\(images 0-\\d+ of \\d+\\): accuracy "
                + "0\\.\\d{4}, \\d+ s so far")), logs[1]);
    }
}
