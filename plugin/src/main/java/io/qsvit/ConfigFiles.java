package io.qsvit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads user configuration files: YAML when the name ends in .yaml/.yml, JSON otherwise. Within
 * {@link InputLimits}: size, YAML line length, aliases and nesting; a key given twice is an error, not "last
 * one wins".
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    public static <T> T read(Path file, Class<T> type) {
        byte[] text = InputLimits.read(file, InputLimits.CONFIG_BYTES, "configuration file");
        boolean yaml = isYaml(file);
        if (yaml) {
            InputLimits.checkLines(file, text, InputLimits.YAML_LINE_CHARS);
        }
        ObjectMapper mapper = new ObjectMapper(yaml ? yamlFactory() : jsonFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        try {
            return mapper.readValue(text, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof UserInputException user) {
                throw new UserInputException(file + ": " + user.getMessage());
            }
            throw new UserInputException(file + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field ")) {
                throw new UserInputException(file + ": key " + message.substring("Duplicate field ".length())
                        + " is given twice" + line(e.getLocation()));
            }
            throw new UserInputException(file + " cannot be read: " + firstLine(message));
        } catch (IOException e) {
            throw new UserInputException(file + " cannot be read: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) { // SnakeYAML's limits (aliases, nesting) surface as its own runtime exceptions
            if (e instanceof UserInputException) {
                throw e;
            }
            throw new UserInputException(file + " cannot be read: " + firstLine(e.getMessage()));
        }
    }

    /** Writes a value as YAML or JSON, by the file's extension. */
    public static void write(Path file, Object value) {
        try {
            new ObjectMapper(isYaml(file) ? new YAMLFactory() : new JsonFactory())
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UserInputException("cannot write " + file + ": " + firstLine(e.getMessage()));
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    static YAMLFactory yamlFactory() {
        LoaderOptions loader = new LoaderOptions();
        loader.setMaxAliasesForCollections(InputLimits.YAML_ALIASES);
        loader.setNestingDepthLimit(InputLimits.NESTING_DEPTH);
        loader.setCodePointLimit((int) InputLimits.CONFIG_BYTES);
        loader.setAllowDuplicateKeys(false);
        return YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(constraints())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    static JsonFactory jsonFactory() {
        return JsonFactory.builder().streamReadConstraints(constraints())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    private static StreamReadConstraints constraints() {
        return StreamReadConstraints.builder().maxNestingDepth(InputLimits.NESTING_DEPTH).build();
    }

    private static String line(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ")";
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }
}
