package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.kfp.ContainerImage;
import io.qsvit.kfp.SpecCompiler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Writes the Kubeflow specs generated from the registered step commands. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Generate the Kubeflow Pipelines v2 specs (IR YAML) from the step commands: components/<step>.yaml "
                + "for each step, apply-evaluate.yaml and pipeline.yaml. Fails, writing nothing, when a step command "
                + "a target needs is not registered.")
final class KfpCompileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "Folder to write the specs to (the repository's pipeline-specs).")
    Path out;

    @Option(names = "--image", description = "Container image the components run (default: the build's, qsvit:<version>).")
    String image;

    @Option(names = "--parallelism", defaultValue = "" + SpecCompiler.DEFAULT_PARALLELISM,
            description = "Sensitivity shards run at once in pipeline.yaml; 0 for no limit (default: ${DEFAULT-VALUE}). "
                    + "Kubeflow fixes this in the spec; the shard count itself is a run parameter.")
    int parallelism;

    @Option(names = "--available", description = "Compile only the targets whose step commands are all registered, "
            + "naming the others, instead of failing on them.")
    boolean available;

    @Parameters(paramLabel = "TARGET", arity = "0..*",
            description = "Step names, apply-evaluate or pipeline (default: all).")
    List<String> targets = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (parallelism < 0) {
            throw new UserInputException("--parallelism must be 0 (no limit) or more, got " + parallelism);
        }
        ContainerImage container = ContainerImage.fromBuild();
        SpecCompiler.Options options = new SpecCompiler.Options(image == null ? container : container.withImage(image), parallelism);
        CommandLine root = spec.root().commandLine();
        List<String> chosen = new ArrayList<>();
        for (String target : targets.isEmpty() ? SpecCompiler.targets() : targets) {
            String missing = available ? SpecCompiler.unregistered(root, target) : null;
            if (missing == null) {
                chosen.add(target);
            } else {
                spec.commandLine().getOut().println("kfp compile: skipped " + target + ": " + missing);
            }
        }
        Map<String, String> files = SpecCompiler.compile(root, chosen, options);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = out.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".", ".tmp");
            Files.writeString(temp, file.getValue());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().println("kfp compile: wrote " + target.toAbsolutePath().normalize());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
