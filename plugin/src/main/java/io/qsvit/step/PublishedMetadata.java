package io.qsvit.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.StepMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the metadata of another step's output folder that a step consumes, checking which step wrote it and
 * that every file is still the one its metadata lists.
 */
public final class PublishedMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PublishedMetadata() {
    }

    public static JsonNode read(Path folder, String step, int algorithmVersion) {
        Path file = folder.resolve(StepMetadata.FILE);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(folder + " holds no " + StepMetadata.FILE + "; give a complete output folder of qsvit " + step);
        }
        JsonNode metadata;
        try {
            metadata = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!step.equals(metadata.path("step").asText()) || metadata.path("algorithm_version").asInt() != algorithmVersion
                || !metadata.path("parameters").isObject() || !metadata.path("inputs").isObject()) {
            throw new UserInputException(file + " is not the metadata of qsvit " + step + " (algorithm version "
                    + algorithmVersion + ")");
        }
        // what another step wrote is checked as the cache checks its entries: a changed file is not trusted
        ArtifactFolder.problem(folder).ifPresent(problem -> {
            throw new UserInputException(folder + " is not the output qsvit " + step + " published: " + problem);
        });
        return metadata;
    }
}
