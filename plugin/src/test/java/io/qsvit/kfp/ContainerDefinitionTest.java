package io.qsvit.kfp;

import io.qsvit.Examples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Dockerfile and the Jib configuration start the image where the component specs say it starts. */
class ContainerDefinitionTest {
    static final Path CONTAINER = Examples.root().resolveSibling("container");

    static List<String> lines(String file) throws IOException {
        return Files.readAllLines(CONTAINER.resolve(file)).stream().map(String::strip).toList();
    }

    @Test
    void theDockerfileEntrypointIsTheComponentsCommand() throws IOException {
        String entrypoint = ContainerImage.fromBuild().entrypoint().get(0);
        List<String> dockerfile = lines("Dockerfile");
        assertEquals(List.of("ENTRYPOINT [\"" + entrypoint + "\"]"),
                dockerfile.stream().filter(l -> l.startsWith("ENTRYPOINT")).toList());
        // the script build-layout.sh lays out under /opt/qsvit is what the final stage copies there
        assertTrue(dockerfile.contains("COPY --from=layout /layout/opt/qsvit /opt/qsvit"), dockerfile.toString());
        assertTrue(entrypoint.startsWith("/opt/qsvit/"), entrypoint);
    }

    @Test
    void theImageRunsAsANonRootUserWithoutBuildTools() throws IOException {
        List<String> dockerfile = lines("Dockerfile");
        List<String> from = dockerfile.stream().filter(l -> l.startsWith("FROM")).toList();
        assertEquals("FROM debian:bookworm-slim", from.get(from.size() - 1)); // the final stage: no JDK, no Maven
        assertEquals(List.of("USER 10001"), dockerfile.stream().filter(l -> l.startsWith("USER")).toList());
    }

    @Test
    void jibTakesTheImageAndEntrypointFromTheSameProperties() throws IOException {
        List<String> pom = lines("pom.xml");
        assertTrue(pom.contains("<entrypoint>${qsvit.container.entrypoint}</entrypoint>"), "container/pom.xml");
        assertTrue(pom.contains("<image>${qsvit.container.image}</image>"), "container/pom.xml");
        assertTrue(pom.contains("<user>10001</user>"), "container/pom.xml");
    }
}
