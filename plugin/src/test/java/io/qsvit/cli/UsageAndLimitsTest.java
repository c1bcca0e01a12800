package io.qsvit.cli;

import io.qsvit.Examples;
import io.qsvit.InputLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit codes (2: what picocli refuses while parsing the command line; 1: anything qsvit itself checks, option
 * values and files alike), each a single line, for every command; and the limits on what qsvit parses and starts
 * ({@link InputLimits}).
 */
class UsageAndLimitsTest {
    @TempDir
    Path dir;

    static void oneLine(QsvitCliTest.Run run, int exit, String err) {
        assertEquals(exit, run.exit(), run.err());
        assertEquals(err + "\n", run.err());
    }

    static String sdtv2() {
        return Examples.model("sdtv2").toString();
    }

    static String data() {
        return Examples.subset().toString();
    }

    @Test
    void threadAndBatchCountsOutsideTheirRangeAreOneLineErrors() {
        int max = InputLimits.maxThreads();
        int cores = Runtime.getRuntime().availableProcessors();
        for (String threads : List.of("0", "-1", "100000")) {
            oneLine(QsvitCliTest.run("evaluate", "--model", sdtv2(), "--data", data(), "--threads", threads), 1,
                    "qsvit: error: --threads must be 1 to " + max + " (4 per processor, " + cores + " processors), not "
                            + threads);
        }
        for (String batch : List.of("0", "-5", "70000")) {
            oneLine(QsvitCliTest.run("evaluate", "--model", sdtv2(), "--data", data(), "--batch", batch), 1,
                    "qsvit: error: --batch must be 1 to 65536 images, not " + batch);
        }
        // a value picocli cannot parse is a usage error
        oneLine(QsvitCliTest.run("evaluate", "--model", sdtv2(), "--data", data(), "--threads", "many"), 2,
                "qsvit: error: Invalid value for option '--threads': 'many' is not an int (see 'qsvit evaluate --help')");
        for (String step : List.of("sensitivity", "bounds", "explore")) {
            QsvitCliTest.Run run = QsvitCliTest.run(step, "--model", sdtv2(), "--data", data(), "--out",
                    dir.resolve(step).toString(), "--threads", "0", "--sensitivity", dir.toString(), "--bounds", dir.toString());
            if (step.equals("sensitivity")) { // takes neither --sensitivity nor --bounds: picocli says so first
                run = QsvitCliTest.run(step, "--model", sdtv2(), "--data", data(), "--out", dir.resolve(step).toString(),
                        "--threads", "0");
            }
            if (step.equals("bounds")) {
                run = QsvitCliTest.run(step, "--model", sdtv2(), "--data", data(), "--out", dir.resolve(step).toString(),
                        "--threads", "0", "--sensitivity", dir.toString(), "--max-drop", "0.01");
            }
            assertEquals(1, run.exit(), step + ": " + run.err());
            assertTrue(run.err().startsWith("qsvit: error: --threads must be 1 to "), step + ": " + run.err());
            assertFalse(Files.exists(dir.resolve(step)));
        }
    }

    @Test
    void prefixCacheBudgetOutsideItsRangeIsAOneLineError() {
        for (String mb : List.of("-1", "1048577")) {
            oneLine(QsvitCliTest.run("sensitivity", "--model", sdtv2(), "--data", data(), "--out",
                    dir.resolve("s").toString(), "--prefix-cache-mb", mb), 1,
                    "qsvit: error: --prefix-cache-mb must be 0 to 1048576, not " + mb);
            assertFalse(Files.exists(dir.resolve("s")));
        }
    }

    @Test
    void pipelineConfigurationThreadsAndBatchAreCheckedToo() throws IOException {
        // a bad value in a file the options name is a bad input (exit 1), not a usage error
        Path config = Files.writeString(dir.resolve("p.yaml"), "threads: 100000\n");
        QsvitCliTest.Run run = QsvitCliTest.run("run", "--model", sdtv2(), "--data", data(), "--out", dir.resolve("o").toString(),
                "--config", config.toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("qsvit: error: " + config + ": threads must be 1 to "), run.err());
        Files.writeString(config, "batch: 0\n");
        run = QsvitCliTest.run("run", "--model", sdtv2(), "--data", data(), "--out", dir.resolve("o").toString(),
                "--config", config.toString());
        assertTrue(run.err().startsWith("qsvit: error: " + config + ": batch must be 1 to 65536 images, not 0"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void everyCommandGivesExit2ForAnUnknownOptionAndExit1ForAMissingFile() {
        List<String> commands = new ArrayList<>(Qsvit.commandLine().getSubcommands().keySet());
        commands.remove("help");
        for (String command : commands) {
            QsvitCliTest.Run unknown = QsvitCliTest.run(command, "--no-such-option");
            assertEquals(2, unknown.exit(), command);
            assertTrue(unknown.err().startsWith("qsvit: error: ") && unknown.err().strip().endsWith("(see 'qsvit " + command
                    + " --help')"), command + ": " + unknown.err());
            assertEquals(1, unknown.err().lines().count(), command + ": " + unknown.err());
        }
        String missing = dir.resolve("missing.onnx").toString();
        Path out = dir.resolve("out");
        List<List<String>> badInputs = List.of(
                List.of("inspect", missing),
                List.of("evaluate", "--model", missing, "--data", data()),
                List.of("apply", "--model", missing, "--setting", missing, "--out", out.toString()),
                List.of("sensitivity", "--model", missing, "--data", data(), "--out", out.toString()),
                List.of("sensitivity-merge", "--shards", missing, "--out", out.toString()),
                List.of("bounds", "--sensitivity", missing, "--model", missing, "--data", data(), "--out", out.toString(),
                        "--max-drop", "0.01"),
                List.of("explore", "--model", missing, "--data", data(), "--bounds", missing, "--out", out.toString()),
                List.of("run", "--model", missing, "--data", data(), "--out", out.toString()));
        for (List<String> args : badInputs) {
            QsvitCliTest.Run run = QsvitCliTest.run(args.toArray(String[]::new));
            assertEquals(1, run.exit(), args + ": " + run.err());
            assertTrue(run.err().startsWith("qsvit: error: "), args + ": " + run.err());
            assertEquals(1, run.err().lines().count(), args + ": " + run.err());
            assertFalse(Files.exists(out), args.toString());
        }
    }

    @Test
    void aKeyGivenTwiceInASettingOrAPipelineConfigurationIsAnError() throws IOException {
        Path setting = Files.writeString(dir.resolve("s.yaml"), "default: uniform8\ngroups: {head: uniform4}\ndefault: uniform4\n");
        oneLine(QsvitCliTest.run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("o").toString()),
                1, "qsvit: error: " + setting + ": key 'default' is given twice (line 3)");
        Path json = Files.writeString(dir.resolve("s.json"), "{\"default\": \"uniform8\", \"groups\": {\"head\": \"uniform4\", \"head\": \"float32\"}}");
        oneLine(QsvitCliTest.run("apply", "--model", sdtv2(), "--setting", json.toString(), "--out", dir.resolve("o").toString()),
                1, "qsvit: error: " + json + ": key 'head' is given twice (line 1)");
        Path config = Files.writeString(dir.resolve("p.yaml"), "threads: 2\nbatch: 10\nthreads: 1\n");
        oneLine(QsvitCliTest.run("run", "--model", sdtv2(), "--data", data(), "--out", dir.resolve("o").toString(),
                "--config", config.toString()), 1, "qsvit: error: " + config + ": key 'threads' is given twice (line 3)");
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void aFiftyMegabyteCommentLineFailsAtOnce() throws IOException {
        Path setting = dir.resolve("comment.yaml");
        try (OutputStream out = Files.newOutputStream(setting)) {
            out.write('#');
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
            out.write("\ndefault: uniform8\n".getBytes(StandardCharsets.UTF_8));
        }
        long start = System.nanoTime();
        oneLine(QsvitCliTest.run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("o").toString()),
                1, "qsvit: error: " + setting + " is " + Files.size(setting) + " bytes; a configuration file may have at most 1048576");
        assertTrue((System.nanoTime() - start) / 1e9 < 5, "took " + (System.nanoTime() - start) / 1e9 + " s");
        // under the size limit, a long line is refused by its length before SnakeYAML sees it
        Files.writeString(setting, "#" + "x".repeat(900_000) + "\ndefault: uniform8\n");
        oneLine(QsvitCliTest.run("apply", "--model", sdtv2(), "--setting", setting.toString(), "--out", dir.resolve("o").toString()),
                1, "qsvit: error: " + setting + ": line 1 has 900001 characters; at most 65536 are read");
        // the longest line allowed parses quickly
        Files.writeString(setting, "#" + "x".repeat(65_000) + "\ndefault: uniform8\n");
        start = System.nanoTime();
        assertEquals(0, QsvitCliTest.run("inspect", sdtv2(), "--groups", Files.writeString(dir.resolve("g.yaml"),
                "#" + "x".repeat(65_000) + "\ngranularity: block\n").toString()).exit());
        assertTrue((System.nanoTime() - start) / 1e9 < 5);
    }

    @Test
    void yamlAliasesAndNestingAreBounded() throws IOException {
        // "billion laughs": ten levels of ten aliases each; Jackson does not expand aliases, and SnakeYAML's
        // own limit (50) stands behind it; either way the file is refused at once
        StringBuilder bomb = new StringBuilder("groups:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char prev = (char) (c - 1);
            bomb.append("  ").append(c).append(": &").append(c).append(" [*").append(prev)
                    .append((", *" + prev).repeat(9)).append("]\n");
        }
        Path setting = Files.writeString(dir.resolve("bomb.yaml"), bomb + "default: uniform8\n");
        long start = System.nanoTime();
        QsvitCliTest.Run run = QsvitCliTest.run("apply", "--model", sdtv2(), "--setting", setting.toString(),
                "--out", dir.resolve("o").toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("qsvit: error: " + setting), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue((System.nanoTime() - start) / 1e9 < 5);
        Path deep = Files.writeString(dir.resolve("deep.yaml"), "default: " + "[".repeat(200) + "]".repeat(200) + "\n");
        run = QsvitCliTest.run("apply", "--model", sdtv2(), "--setting", deep.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().startsWith("qsvit: error: " + deep + " cannot be read: "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        // read whole, as a tree, the depth limit is what stops it
        String message = org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class,
                () -> io.qsvit.ConfigFiles.read(deep, com.fasterxml.jackson.databind.JsonNode.class)).getMessage();
        assertTrue(message.startsWith(deep + " cannot be read: ") && message.contains("Depth") && message.contains("64"), message);
        assertFalse(Files.exists(dir.resolve("o")));
    }
}
