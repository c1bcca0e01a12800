package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.registry.ArtifactPush;
import io.qsvit.registry.OciReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Publishes a step's output folder, a run's output folder or a model to an OCI registry. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push an artifact to an OCI registry: a step's output folder (artifact type "
                + "application/vnd.qsvit.<step>.v1), a run's output folder (application/vnd.qsvit.run.v1: its step "
                + "folders) or an ONNX model (application/vnd.qsvit.model.v1); one layer per file, annotations from "
                + "its metadata. Blobs go first and the tag last, so a failed push is never visible under the tag; "
                + "the same content always gives the same manifest digest.")
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Qsvit root;

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder (or ONNX file) to push.")
    Path source;

    @Parameters(index = "1", paramLabel = "REF", description = "oci://HOST/REPOSITORY:TAG (or @sha256:DIGEST).")
    String reference;

    @Override
    public Integer call() {
        OciReference target = OciReference.parse(reference);
        ArtifactPush.Result pushed = push(source, target, root.registry);
        spec.commandLine().getOut().println(describe(pushed));
        return 0;
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
