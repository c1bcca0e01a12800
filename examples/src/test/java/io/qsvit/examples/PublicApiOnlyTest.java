package io.qsvit.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example programs, and their tests, use qsvit's public API alone: no import, static import or fully
 * qualified name of a qsvit package other than io.qsvit.api, io.qsvit.djl (the translators of the qsvit-djl
 * artifact, which DJL users name) and the examples' own package.
 */
class PublicApiOnlyTest {
    static final Path EXAMPLES = Path.of(System.getProperty("qsvit.examples", "."));
    /** A qsvit package named anywhere in a source file: import, static import or qualified name. */
    static final Pattern QSVIT_NAME = Pattern.compile("\\bio\\.qsvit\\.([a-z][a-z0-9_]*)");

    @Test
    void noExampleNamesAnInternalPackage() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(EXAMPLES.resolve("src"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(sources.size() >= 5, sources.toString()); // two programs, their tests, this test
        List<String> internal = new ArrayList<>();
        int apiImports = 0;
        for (Path source : sources) {
            List<String> lines = Files.readAllLines(source);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = QSVIT_NAME.matcher(lines.get(i));
                while (m.find()) {
                    String pkg = m.group(1);
                    if (pkg.equals("api")) {
                        apiImports++;
                    } else if (!pkg.equals("examples") && !pkg.equals("djl")) { // djl: the qsvit-djl artifact's translators
                        internal.add(EXAMPLES.relativize(source) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), internal);
        assertTrue(apiImports > 10, "the examples use the API: " + apiImports + " names");
    }

    @Test
    void theCheckSeesInternalNames() {
        String root = "io" + ".qsvit"; // split, or the check would find this line
        Matcher m = QSVIT_NAME.matcher("import " + root + ".quant.Setting; x = " + root + ".api.Scheme.float32();");
        assertTrue(m.find());
        assertEquals("quant", m.group(1));
        assertTrue(m.find());
        assertEquals("api", m.group(1));
    }
}
