package io.qsvit.djl;

import java.util.Map;

/** Reads the arguments DJL hands a translator factory (serving.properties or Criteria.optArgument values). */
final class TranslatorArguments {
    private TranslatorArguments() {
    }

    /** The argument as text, or null when absent. */
    static String text(Map<String, ?> arguments, String key) {
        Object value = arguments.get(key);
        return value == null ? null : value.toString();
    }

    /** A present argument that must be a positive whole number. */
    static int positive(Map<String, ?> arguments, String key) {
        String text = arguments.get(key).toString();
        try {
            int value = Integer.parseInt(text.strip());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new IllegalArgumentException("argument " + key + " is '" + text + "'; a positive whole number is expected");
    }
}
