package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.artifact.Cache;
import io.qsvit.registry.ArtifactPull;
import io.qsvit.registry.OciReference;
import io.qsvit.registry.PulledArtifacts;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The hook that lets every path option ({@code --model}, {@code --baseline}, {@code --setting}, {@code --data},
 * {@code --sensitivity}, ...) take {@code oci://HOST/REPO:TAG} or {@code oci://HOST/REPO@sha256:...}: before a
 * command runs, each such value is pulled into the cache (by manifest digest, so once) and the option is set
 * to the local folder. Steps then digest the pulled files like any local input: input digests in metadata
 * stay content digests, never references.
 */
final class RegistryInputs {
    /** Path options that name what a command writes, never something to pull. */
    private static final java.util.Set<String> OUTPUTS = java.util.Set.of("--out", "--work");

    private RegistryInputs() {
    }

    static void resolve(ParseResult parsed, RegistryFlags flags, PrintWriter err) {
        ParseResult command = parsed;
        while (command.hasSubcommand()) {
            command = command.subcommand();
        }
        PulledArtifacts pulls = null;
        for (OptionSpec option : command.matchedOptions()) {
            if (option.type() != Path.class) {
                continue;
            }
            List<String> given = option.originalStringValues();
            String text = given.isEmpty() ? null : given.get(given.size() - 1);
            if (!OciReference.isReference(text)) {
                continue;
            }
            if (OUTPUTS.contains(option.longestName())) {
                throw new UserInputException(option.longestName() + " is a local folder, not " + text
                        + " (push it with qsvit push, or run --push)");
            }
            OciReference reference = OciReference.parse(text);
            if (pulls == null) {
                pulls = new PulledArtifacts(Cache.shared(), flags.options(), line -> {
                    err.println("qsvit: warning: " + line);
                    err.flush();
                });
            }
            ArtifactPull.Result pulled = pulls.fetch(reference);
            err.println("qsvit: " + option.longestName() + " " + reference + " -> " + pulled.digest()
                    + (pulled.downloaded() ? " (pulled)" : " (cached)"));
            err.flush();
            option.setValue(local(pulled.folder()));
        }
    }

    /**
     * A location given as text, as {@code --release} takes it: a registry reference (pulled like the path
     * options) or a local path.
     */
    static Path location(String text, RegistryFlags flags, PrintWriter err) {
        if (!OciReference.isReference(text)) {
            return Path.of(text);
        }
        OciReference reference = OciReference.parse(text);
        ArtifactPull.Result pulled = new PulledArtifacts(Cache.shared(), flags.options(), line -> {
            err.println("qsvit: warning: " + line);
            err.flush();
        }).fetch(reference);
        err.println("qsvit: " + reference + " -> " + pulled.digest() + (pulled.downloaded() ? " (pulled)" : " (cached)"));
        err.flush();
        return local(pulled.folder());
    }

    /** An artifact of one file stands for that file (a setting, an energy table, a model); otherwise the folder. */
    static Path local(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            List<Path> all = files.filter(Files::isRegularFile).limit(2).toList();
            return all.size() == 1 ? all.get(0) : folder;
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException("cannot read the pulled artifact in " + folder + ": " + e.getMessage());
        }
    }
}
