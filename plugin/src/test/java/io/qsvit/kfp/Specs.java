package io.qsvit.kfp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.Examples;
import picocli.CommandLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Compiled specs for tests: the repository's pipeline-specs folder and fresh compilations. */
final class Specs {
    static final Path FOLDER = Examples.root().resolveSibling("pipeline-specs");
    static final String REGENERATE = "mvn -o -q -pl plugin -Pkfp-specs package -DskipTests";

    private Specs() {
    }

    static String compile(CommandLine root, String target) {
        return SpecCompiler.compile(root, List.of(target), SpecCompiler.Options.defaults()).get(SpecCompiler.file(target));
    }

    static ObjectNode parse(String yaml) {
        try {
            return (ObjectNode) KfpJson.YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
