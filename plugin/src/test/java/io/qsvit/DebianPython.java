package io.qsvit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's /usr/bin/python3 as the reference some tests compare with (PIL, torchvision, NumPy). In CI (CI=true)
 * the reference must run, since CI installs its packages; elsewhere a test without them is skipped, saying why.
 */
public final class DebianPython {
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private DebianPython() {
    }

    /** Skips the test (outside CI) unless python imports every module, naming the Debian packages. */
    public static void require(String packages, String... modules) throws IOException, InterruptedException {
        if ("true".equals(System.getenv("CI"))) {
            return;
        }
        boolean available = Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c",
                "import " + String.join(", ", modules)).start().waitFor() == 0;
        assumeTrue(available, PYTHON + " with " + String.join(", ", modules) + " (Debian's " + packages
                + ") is needed for the reference");
    }

    /** Runs a script to completion and returns its output (standard error included); fails on a non-zero exit. */
    public static String run(Path script, long timeoutSeconds, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(List.of(arguments));
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(timeoutSeconds, TimeUnit.SECONDS), script + " timed out");
        assertEquals(0, python.exitValue(), output);
        return output;
    }
}
