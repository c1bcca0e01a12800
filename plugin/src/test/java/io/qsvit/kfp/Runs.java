package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.artifact.Cache;
import io.qsvit.cli.Qsvit;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Helpers for tests that run pipelines and compare them with the steps run directly. */
final class Runs {
    static final int IMAGES = 200;

    private Runs() {
    }

    /** Runs the container entrypoint as {@code mainClass} in a new JVM on the test class path. */
    static CommandMapping javaMain(Class<?> mainClass) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new CommandMapping(null, ContainerImage.fromBuild().entrypoint(),
                List.of(java, "-D" + Cache.PROPERTY + "=" + Cache.OFF, // like this JVM: keep off the user's cache
                        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    }

    /** {@code qsvit evaluate --json} of a model against the float SDTV2 on the first {@link #IMAGES} bundled images. */
    static JsonNode evaluateDirectly(Path model) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Qsvit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("evaluate",
                "--model", model.toString(), "--baseline", Examples.model("sdtv2").toString(),
                "--data", Examples.subset().toString(), "--limit", "" + IMAGES, "--json");
        if (exit != 0) {
            throw new IllegalStateException(err.toString());
        }
        try {
            return new ObjectMapper().readTree(out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code qsvit apply} of a setting to the float SDTV2, in this JVM. */
    static Path applyDirectly(Path setting, Path out) {
        StringWriter err = new StringWriter();
        int exit = Qsvit.commandLine().setErr(new PrintWriter(err)).execute("apply",
                "--model", Examples.model("sdtv2").toString(), "--setting", setting.toString(), "--out", out.toString());
        if (exit != 0) {
            throw new IllegalStateException(err.toString());
        }
        return out;
    }
}
