package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.UserInputException;
import io.qsvit.kfp.CommandMapping;
import io.qsvit.kfp.ContainerImage;
import io.qsvit.kfp.LocalRunner;
import io.qsvit.kfp.PipelineSpecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Runs a compiled pipeline on this machine through the components' own command lines. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a compiled pipeline spec on this machine: every task's exact container command line in "
                + "dependency order (ParallelFor iterations one by one), artifacts in folders under --work, importer URIs "
                + "as local paths. Writes run.json with every output and its metadata (the metrics) into --work.")
final class KfpRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, description = "Compiled pipeline spec (e.g. pipeline-specs/pipeline.yaml).")
    Path pipeline;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A pipeline parameter (repeatable).")
    List<String> params = new ArrayList<>();

    @Option(names = "--work", required = true, description = "Folder for the run's artifacts, logs and run.json.")
    Path work;

    @Option(names = "--image-root", description = "The image's file system laid out in a folder (container/target/image "
            + "after the build): commands run from there, as in the container. Default: this qsvit runs the steps.")
    Path imageRoot;

    @Override
    public Integer call() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String param : params) {
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new UserInputException("--param takes NAME=VALUE, got '" + param + "'");
            }
            values.put(param.substring(0, eq), param.substring(eq + 1));
        }
        if (imageRoot != null && !Files.isDirectory(imageRoot)) {
            throw new UserInputException("--image-root " + imageRoot + " is not a folder");
        }
        JsonNode spec = PipelineSpecs.read(pipeline);
        PrintWriter out = this.spec.commandLine().getOut();
        CommandMapping commands = new CommandMapping(imageRoot == null ? null : imageRoot.toAbsolutePath(),
                ContainerImage.fromBuild().entrypoint(), selfCommand());
        JsonNode record = new LocalRunner(spec, work, commands, out).run(values);
        record.path("tasks").fields().forEachRemaining(task -> task.getValue().path("artifacts").fields()
                .forEachRemaining(a -> out.printf("%-40s %s%n", task.getKey() + "." + a.getKey(), a.getValue().path("uri").asText())));
        out.println("kfp run: done; outputs and metrics in " + work.resolve(LocalRunner.RUN_FILE));
        out.flush();
        return 0;
    }

    /** This qsvit as a command: the same Java and class path, so steps run the code that runs this. */
    private static List<String> selfCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"), Qsvit.class.getName());
    }
}
