package io.qsvit.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Folders;
import io.qsvit.UserInputException;
import io.qsvit.artifact.StepMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The run's output folders, {@code DIR/<step>}. Each step publishes into a fresh hidden folder beside its own,
 * which then takes the place of the previous run's output of that step, so a re-run with changed inputs
 * replaces what they changed. Only a step's own earlier output is replaced, never other files.
 */
final class StepFolders {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NEXT = ".next-";
    private static final String OLD = ".old-";

    private StepFolders() {
    }

    /** Refuses, before anything runs, a {@code DIR/<step>} that is not an output of that step. */
    static void checkReplaceable(Path folder, String step) {
        if (!Files.exists(folder)) {
            return;
        }
        if (Files.isDirectory(folder) && (isEmpty(folder) || step.equals(stepOf(folder)))) {
            return;
        }
        throw new UserInputException(folder + " holds something other than the output of step " + step
                + "; remove it or choose another --out");
    }

    /**
     * Whether a hidden name in a run's folder is one of its step folders in passing: a staging folder, a previous
     * output being replaced, or a publish's temporary folder for a staging folder.
     */
    static boolean isStaging(String name) {
        return name.startsWith(".") && (name.contains(NEXT) || name.contains(OLD));
    }

    /** A new, empty hidden folder for the step to publish into. */
    static Path staging(Path out, String step) {
        try {
            Files.createDirectories(out);
            return Files.createTempDirectory(out, "." + step + NEXT);
        } catch (IOException e) {
            throw new UserInputException("cannot write output folder " + out + ": " + e.getMessage());
        }
    }

    /** Moves a published staging folder to {@code folder}, replacing the step's previous output there. */
    static void install(Path staging, Path folder) {
        try {
            Path previous = null;
            if (Files.exists(folder)) {
                previous = Files.createTempDirectory(folder.getParent(), "." + folder.getFileName() + OLD).resolve("output");
                Files.move(folder, previous, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
            if (previous != null) {
                Folders.deleteRecursively(previous.getParent());
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UserInputException("cannot replace " + folder + ": " + e.getMessage());
        }
    }

    private static String stepOf(Path folder) {
        try {
            JsonNode metadata = JSON.readTree(folder.resolve(StepMetadata.FILE).toFile());
            return metadata != null && StepMetadata.SCHEMA.equals(metadata.path("schema").asText())
                    ? metadata.path("step").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UserInputException("cannot read " + folder + ": " + e.getMessage());
        }
    }
}
