package io.qsvit.kfp;

import io.qsvit.cli.Qsvit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed pipeline-specs are exactly what the generator writes from today's commands. */
class CommittedSpecsTest {
    final CommandLine qsvit = Qsvit.commandLine();

    static List<Path> committed() throws IOException {
        try (Stream<Path> files = Files.walk(Specs.FOLDER)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static String target(Path file) {
        return file.getFileName().toString().replaceFirst("\\.yaml$", "");
    }

    @Test
    void everyCommittedSpecIsWhatTheGeneratorWritesNow() throws IOException {
        List<Path> files = committed();
        assertFalse(files.isEmpty(), "no specs under " + Specs.FOLDER);
        for (Path file : files) {
            assertEquals(Specs.compile(qsvit, target(file)), Files.readString(file),
                    Specs.FOLDER.relativize(file) + " differs from what the generator writes now; regenerate with: " + Specs.REGENERATE);
        }
    }

    @Test
    void everySpecThatCanBeCompiledIsCommitted() {
        List<String> missing = new ArrayList<>();
        for (String target : SpecCompiler.targets()) {
            if (SpecCompiler.unregistered(qsvit, target) == null && !Files.isRegularFile(Specs.FOLDER.resolve(SpecCompiler.file(target)))) {
                missing.add(SpecCompiler.file(target));
            }
        }
        assertEquals(List.of(), missing, "these specs can be compiled now; regenerate with: " + Specs.REGENERATE);
    }

    @Test
    void everyCommittedSpecPassesTheValidator() throws IOException {
        for (Path file : committed()) {
            assertEquals(List.of(), new SpecValidator(PipelineSpecs.read(file)).problems(), file.toString());
        }
    }

    @Test
    void theCommittedPipelinesRunTheBuildsImageThroughItsEntrypoint() throws IOException {
        ContainerImage image = ContainerImage.fromBuild();
        assertEquals("qsvit:0.1.0", image.image());
        assertEquals(List.of("/opt/qsvit/bin/qsvit"), image.entrypoint());
        String spec = Files.readString(Specs.FOLDER.resolve("apply-evaluate.yaml"));
        assertTrue(spec.contains("        command:\n          - /opt/qsvit/bin/qsvit\n        image: qsvit:0.1.0\n"), spec);
    }
}
