package io.qsvit.cli;

import io.qsvit.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** apply's bias-correction options refuse bad input with one line and write nothing. About 2 s. */
class ApplyBiasCorrectionOptionsTest {
    @TempDir
    Path dir;

    @Test
    void badCalibrationOptionsAreOneLineErrors() throws IOException {
        Path setting = Files.writeString(dir.resolve("bad.yaml"), "default: uniform4\n");
        String model = Examples.model("sdtv2").toString();
        String data = Examples.subset().toString();
        Path out = dir.resolve("bad-out");
        String[] base = {"--cache-dir", dir.resolve("cache").toString(), "apply", "--model", model, "--setting",
                setting.toString(), "--out", out.toString()};
        assertError("qsvit: error: --bias-correction needs --calibration-data\n", base, "--bias-correction");
        assertError("qsvit: error: --calibration-data is only used with --bias-correction\n", base,
                "--calibration-data", data);
        assertError("qsvit: error: --calibration-limit must be at least 1, got 0\n", base, "--bias-correction",
                "--calibration-data", data, "--calibration-limit", "0");
        QsvitCliTest.Run missing = QsvitCliTest.run(concat(base, "--bias-correction", "--calibration-data",
                dir.resolve("nowhere").toString()));
        assertEquals(Qsvit.EXIT_BAD_INPUT, missing.exit());
        assertTrue(missing.err().startsWith("qsvit: error: ") && missing.err().lines().count() == 1, missing.err());
        assertFalse(Files.exists(out), "nothing half-written");
    }

    private static void assertError(String expected, String[] base, String... extra) {
        QsvitCliTest.Run run = QsvitCliTest.run(concat(base, extra));
        assertEquals(expected, run.err());
        assertEquals(Qsvit.EXIT_BAD_INPUT, run.exit());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

}
