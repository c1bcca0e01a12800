package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigDecimal;

/** KFP parameter types ({@code ParameterType.ParameterTypeEnum} in pipeline_spec.proto) and their text forms. */
public enum ParameterType {
    STRING, NUMBER_INTEGER, NUMBER_DOUBLE, BOOLEAN, LIST;

    /** The parameter type of a single-valued picocli option of this Java type. */
    public static ParameterType of(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return NUMBER_INTEGER;
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return NUMBER_DOUBLE;
        }
        if (type == boolean.class || type == Boolean.class) {
            return BOOLEAN;
        }
        return STRING;
    }

    /** The JSON value of a command-line text of this type (a picocli default, a {@code --param} value). */
    public JsonNode parse(String text) {
        try {
            return switch (this) {
                case STRING -> TextNode.valueOf(text);
                case NUMBER_INTEGER -> LongNode.valueOf(Long.parseLong(text.strip()));
                case NUMBER_DOUBLE -> DoubleNode.valueOf(Double.parseDouble(text.strip()));
                case BOOLEAN -> parseBoolean(text.strip());
                case LIST -> KfpJson.MAPPER.readTree(text);
            };
        } catch (NumberFormatException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + this + " value");
        }
    }

    /** True when a JSON value is of this type (integers are doubles without a fraction, as in protobuf). */
    public boolean accepts(JsonNode value) {
        return switch (this) {
            case STRING -> value.isTextual();
            case NUMBER_INTEGER -> value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
            case NUMBER_DOUBLE -> value.isNumber();
            case BOOLEAN -> value.isBoolean();
            case LIST -> value.isArray();
        };
    }

    /**
     * The text a placeholder {@code {{$.inputs.parameters['p']}}} becomes, as Kubeflow's launcher writes it:
     * numbers in the shortest plain decimal form (Go's {@code FormatFloat(v, 'f', -1, 64)}), lists as JSON.
     */
    public static String placeholderText(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return BigDecimal.valueOf(value.asDouble()).stripTrailingZeros().toPlainString();
        }
        if (value.isBoolean()) {
            return Boolean.toString(value.booleanValue());
        }
        return value.toString();
    }

    private static JsonNode parseBoolean(String text) {
        if (text.equals("true") || text.equals("false")) {
            return BooleanNode.valueOf(Boolean.parseBoolean(text));
        }
        throw new NumberFormatException(text);
    }
}
