package io.qsvit.djl;

import io.qsvit.step.TranslatorJar;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar apply writes into libs/ is the qsvit-djl artifact's content: the same class files, byte for byte, as
 * this module compiles (the translator package and the library classes javac pulled in), and it is built the same
 * every time.
 */
class TranslatorJarTest {

    @Test
    void theLibrarysJarHoldsExactlyThisModulesClasses() throws Exception {
        Map<String, byte[]> module = new TreeMap<>();
        Path classes = Path.of(System.getProperty("qsvit.translator.classes"));
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (!name.endsWith("/package-info.class")) { // documentation only; nothing refers to it
                    module.put(name, Files.readAllBytes(f));
                }
            }
        }
        Map<String, byte[]> jar = entries(libraryOnlyJar());
        assertEquals("META-INF/MANIFEST.MF", jar.keySet().iterator().next());
        jar.remove("META-INF/MANIFEST.MF");
        assertEquals(List.copyOf(module.keySet()), List.copyOf(jar.keySet()));
        for (String name : module.keySet()) {
            assertArrayEquals(module.get(name), jar.get(name), name);
        }
        // the translators and what they use (the image pipeline, its preprocessing and shapes, the event readers
        // and frame integration, the exception), and nothing that needs more than DJL: the module compiles these
        // against DJL's api alone
        for (String translator : List.of("ImageClassifierServingTranslator", "ImageClassifierTranslatorFactory",
                "ImageClassifierTranslator", "HostStackBatchifier", "EventClassifierTranslatorFactory",
                "EventClassifierTranslator", "EventClassifierServingTranslator")) {
            assertTrue(jar.containsKey("io/qsvit/djl/" + translator + ".class"), translator);
        }
        assertTrue(jar.containsKey("io/qsvit/eval/image/ImagePipeline.class"));
        assertTrue(jar.containsKey("io/qsvit/eval/image/Resampler.class"));
        assertTrue(jar.containsKey("io/qsvit/eval/events/FrameIntegration.class"));
        assertTrue(jar.size() < 50, "a small jar: " + jar.keySet());
    }

    @Test
    void sameLibrarySameBytes() throws Exception {
        assertArrayEquals(libraryOnlyJar(), libraryOnlyJar());
        assertArrayEquals(TranslatorJar.bytes(), TranslatorJar.bytes());
    }

    /**
     * The jar as the library builds it from its own class path alone (this module's classes come first on the
     * test class path, and must not be what the jar is read from).
     */
    private static byte[] libraryOnlyJar() throws Exception {
        URL library = TranslatorJar.class.getProtectionDomain().getCodeSource().getLocation();
        assertNotNull(library);
        try (URLClassLoader alone = new URLClassLoader(new URL[] {library}, ClassLoader.getPlatformClassLoader())) {
            Class<?> jar = Class.forName(TranslatorJar.class.getName(), true, alone);
            return (byte[]) jar.getMethod("bytes").invoke(null);
        }
    }

    private static Map<String, byte[]> entries(byte[] jar) throws IOException {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
            if (in.getManifest() != null) {
                entries.put("META-INF/MANIFEST.MF", new byte[0]);
            }
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                entries.put(e.getName(), in.readAllBytes());
                order.add(e.getName());
            }
        }
        assertEquals(order.stream().sorted().toList(), order); // sorted: one order, one jar
        return entries;
    }
}
