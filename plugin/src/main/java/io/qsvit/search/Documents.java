package io.qsvit.search;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.UserInputException;

import java.io.IOException;
import java.nio.file.Path;

/** Reads the JSON documents other steps publish, with one-line errors that name the file. */
final class Documents {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Documents() {
    }

    static <T> T read(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new UserInputException(file + " cannot be read: " + message.lines().findFirst().orElse(message));
        }
    }
}
