package io.qsvit.cli;

import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.registry.ArtifactPush;
import io.qsvit.registry.OciReference;
import picocli.CommandLine.Command;
import io.qsvit.step.GateStep;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Publishes a step's output folder, a run's output folder or a model to an OCI registry. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push an artifact to an OCI registry: a step's output folder (artifact type "
                + "application/vnd.qsvit.<step>.v1), a run's output folder (application/vnd.qsvit.run.v1: its step "
                + "folders) or an ONNX model (application/vnd.qsvit.model.v1); one layer per file, annotations from "
                + "its metadata. Blobs go first and the tag last, so a failed push is never visible under the tag; "
                + "the same content always gives the same manifest digest. With --to and the step folders instead, "
                + "pushes them as one run artifact, unless the given release gate failed (exit 3).")
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Qsvit root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The folder (or ONNX file) to push.")
    Path source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REF", description = "oci://HOST/REPOSITORY:TAG (or @sha256:DIGEST).")
    String reference;

    @Option(names = "--to", paramLabel = "REF", description = "Where to push the run assembled from the step folders "
            + "below (the Kubeflow form of `run --push`).")
    String to;

    @Option(names = "--sensitivity", description = "The run's sensitivity output.")
    Path sensitivity;

    @Option(names = "--bounds", description = "The run's bounds output.")
    Path bounds;

    @Option(names = "--explore", description = "The run's explore output.")
    Path explore;

    @Option(names = "--apply", description = "The run's apply output (required with --to).")
    Path apply;

    @Option(names = "--evaluate", description = "The run's evaluate output.")
    Path evaluate;

    @Option(names = "--gate", description = "The run's release gate output: nothing is pushed (exit 3) when it failed.")
    Path gate;

    @Override
    public Integer call() throws IOException {
        if (to == null) {
            if (source == null || reference == null) {
                throw new UserInputException("give DIR and REF (qsvit push DIR oci://HOST/REPO:TAG), or --to REF with the step folders");
            }
            spec.commandLine().getOut().println(describe(push(source, OciReference.parse(reference), root.registry)));
            return 0;
        }
        if (source != null || reference != null) {
            throw new UserInputException("give DIR and REF, or --to with step folders, not both");
        }
        if (apply == null) {
            throw new UserInputException("--to needs at least --apply (the quantized model)");
        }
        OciReference target = OciReference.parse(to);
        if (gate != null) {
            GateStep.Result verdict = GateStep.read(gate, null);
            if (!verdict.passed()) {
                int code = GateCommand.report(spec.commandLine().getOut(), verdict);
                spec.commandLine().getOut().println("push: the release gate failed; nothing was pushed");
                return code;
            }
        }
        Map<String, Path> steps = new LinkedHashMap<>();
        steps.put("sensitivity", sensitivity);
        steps.put("bounds", bounds);
        steps.put("explore", explore);
        steps.put("apply", apply);
        steps.put("evaluate", evaluate);
        steps.put("gate", gate);
        Path run = Files.createTempDirectory("qsvit-push-");
        try {
            for (Map.Entry<String, Path> step : steps.entrySet()) {
                if (step.getValue() != null) {
                    copy(step.getValue(), run.resolve(step.getKey()));
                }
            }
            spec.commandLine().getOut().println(describe(push(run, target, root.registry)));
        } finally {
            Folders.deleteRecursively(run);
        }
        return 0;
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new UserInputException("not a step output folder: " + from);
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static ArtifactPush.Result push(Path source, OciReference target, RegistryFlags flags) {
        if (!java.nio.file.Files.exists(source)) {
            throw new UserInputException("nothing to push: " + source + " does not exist");
        }
        return ArtifactPush.push(source, target, flags.options(), System.getenv("SOURCE_DATE_EPOCH"));
    }

    static String describe(ArtifactPush.Result pushed) {
        return String.format(Locale.ROOT, "push: %s -> %s (%s, %d files, %d bytes)", pushed.reference(), pushed.digest(),
                pushed.artifactType(), pushed.layers(), pushed.bytes());
    }
}
