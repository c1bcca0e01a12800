package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a compiled pipeline spec (IR YAML or JSON). */
public final class PipelineSpecs {
    private PipelineSpecs() {
    }

    public static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("pipeline spec not found: " + file);
        }
        try {
            JsonNode spec = KfpJson.YAML.readTree(file.toFile());
            if (spec == null || !spec.isObject() || !spec.has("root")) {
                throw new UserInputException(file + " is not a Kubeflow pipeline spec (no root)");
            }
            return spec;
        } catch (IOException e) {
            throw new UserInputException(file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
