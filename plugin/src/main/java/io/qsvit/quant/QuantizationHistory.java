package io.qsvit.quant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.UserInputException;

/**
 * The {@value QuantizedArtifacts#HISTORY_KEY} metadata of a model quantized more than once: every earlier
 * quantization's setting and form, oldest first, so quantizing an artifact again keeps the whole chain in the
 * file ({@value QuantizedArtifacts#SETTING_KEY} holds the latest). Compact JSON: same history, same bytes.
 */
final class QuantizationHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuantizationHistory() {
    }

    /** The history with one more quantization at its end. */
    static String append(String history, String settingJson, String form) {
        ArrayNode entries = history == null ? JSON.createArrayNode() : array(history);
        ObjectNode entry = entries.addObject();
        entry.set("setting", parse(settingJson, QuantizedArtifacts.SETTING_KEY));
        entry.put("form", form);
        return entries.toString();
    }

    private static ArrayNode array(String history) {
        JsonNode node = parse(history, QuantizedArtifacts.HISTORY_KEY);
        if (!(node instanceof ArrayNode entries)) {
            throw new UserInputException("model metadata " + QuantizedArtifacts.HISTORY_KEY + " is not a JSON array");
        }
        return entries;
    }

    private static JsonNode parse(String text, String key) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserInputException("model metadata " + key + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
