package io.qsvit.cli;

import io.qsvit.registry.ArtifactPull;
import io.qsvit.registry.OciReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Fetches a qsvit artifact from an OCI registry into a folder. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Pull a qsvit artifact from an OCI registry into DIR: every file checked against the manifest's "
                + "digest, the folder appearing only when complete. DIR must be new, or already hold exactly this "
                + "artifact. Manifests of other artifact types (container images) are refused.")
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Qsvit root;

    @Parameters(index = "0", paramLabel = "REF", description = "oci://HOST/REPOSITORY:TAG or oci://HOST/REPOSITORY@sha256:DIGEST.")
    String reference;

    @Parameters(index = "1", paramLabel = "DIR", description = "The folder to write.")
    Path folder;

    @Override
    public Integer call() {
        ArtifactPull.Result pulled = ArtifactPull.pull(OciReference.parse(reference), folder, root.registry.options());
        spec.commandLine().getOut().println("pull: " + pulled.reference() + " (" + pulled.digest() + ", "
                + pulled.artifactType() + ") -> " + (pulled.downloaded() ? "wrote " : "up to date: ") + folder);
        return 0;
    }
}
