package io.qsvit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads user configuration files: YAML when the name ends in .yaml/.yml, JSON otherwise. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    public static <T> T read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("file not found: " + file);
        }
        ObjectMapper mapper = mapperFor(file).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return mapper.readValue(file.toFile(), type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof UserInputException user) {
                throw new UserInputException(file + ": " + user.getMessage());
            }
            throw new UserInputException(file + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UserInputException(file + " cannot be read: " + firstLine(e.getMessage()));
        }
    }

    /** Writes a value as YAML or JSON, by the file's extension. */
    public static void write(Path file, Object value) {
        try {
            mapperFor(file).enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UserInputException("cannot write " + file + ": " + firstLine(e.getMessage()));
        }
    }

    private static ObjectMapper mapperFor(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }
}
