package io.qsvit.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks that a published folder is intact: its {@value StepMetadata#FILE} is a step's metadata with the
 * expected cache key, and the other files are exactly those listed in its {@code outputs}, each with the
 * listed digest. The file contents are read in full, so a flipped byte anywhere is found.
 */
final class ArtifactCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArtifactCheck() {
    }

    /** The first problem found, or empty when the folder is intact. */
    static Optional<String> problem(Path folder, String cacheKey) {
        JsonNode metadata;
        try {
            metadata = JSON.readTree(folder.resolve(StepMetadata.FILE).toFile());
        } catch (IOException e) {
            return Optional.of(StepMetadata.FILE + " cannot be read");
        }
        if (metadata == null || !StepMetadata.SCHEMA.equals(metadata.path("schema").asText())) {
            return Optional.of(StepMetadata.FILE + " is not " + StepMetadata.SCHEMA);
        }
        if (!cacheKey.equals(metadata.path("cache_key").asText())) {
            return Optional.of(StepMetadata.FILE + " has another cache key");
        }
        Map<String, String> listed = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("outputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            listed.put(e.getKey(), e.getValue().asText());
        }
        Map<String, String> found;
        try {
            found = new TreeMap<>(Digests.ofFiles(folder));
        } catch (UserInputException e) {
            return Optional.of(e.getMessage());
        }
        found.remove(StepMetadata.FILE);
        TreeSet<String> names = new TreeSet<>(listed.keySet());
        names.addAll(found.keySet());
        for (String name : names) {
            if (!found.containsKey(name)) {
                return Optional.of(name + " is missing");
            }
            if (!listed.containsKey(name)) {
                return Optional.of(name + " is not listed in " + StepMetadata.FILE);
            }
            if (!listed.get(name).equals(found.get(name))) {
                return Optional.of(name + " does not match its digest");
            }
        }
        return Optional.empty();
    }
}
