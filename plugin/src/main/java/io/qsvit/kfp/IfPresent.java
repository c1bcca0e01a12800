package io.qsvit.kfp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.UserInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Kubeflow's conditional argument (the SDK's {@code IfPresentPlaceholder}): one container argument holding
 * {@code {"IfPresent": {"InputName": N, "Then": [...], "Else": [...]}}}, replaced by the Then arguments when
 * input N was given to the task and by Else (or nothing) when not. Written exactly as the SDK's compiler writes
 * it (Python's {@code json.dumps}, with its spaces): {@code kfp.local} recognises the clause by that text.
 *
 * @param orElse empty when the clause has no Else
 */
public record IfPresent(String inputName, List<String> then, List<String> orElse) {
    private static final String PREFIX = "{\"IfPresent\":";

    public static IfPresent of(String inputName, List<String> then) {
        return new IfPresent(inputName, List.copyOf(then), List.of());
    }

    /** True for an argument that is such a clause (as Kubeflow's driver tells one: by its start). */
    public static boolean isClause(String arg) {
        return arg.strip().startsWith(PREFIX);
    }

    /** Reads a clause; Then and Else must be a string or a list of strings (all qsvit writes, all the driver reads). */
    public static IfPresent parse(String arg) {
        JsonNode node;
        try {
            node = KfpJson.MAPPER.readTree(arg);
        } catch (JsonProcessingException e) {
            throw new UserInputException("IfPresent argument is not JSON: " + e.getOriginalMessage());
        }
        JsonNode clause = node == null ? null : node.get("IfPresent");
        if (clause == null || !clause.isObject() || !clause.path("InputName").isTextual()) {
            throw new UserInputException("IfPresent argument has no InputName: " + arg);
        }
        return new IfPresent(clause.get("InputName").asText(), strings(clause.get("Then"), arg), strings(clause.get("Else"), arg));
    }

    private static List<String> strings(JsonNode node, String arg) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            out.add(node.asText());
            return out;
        }
        if (!node.isArray()) {
            throw new UserInputException("IfPresent Then/Else is neither a string nor a list of strings: " + arg);
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new UserInputException("IfPresent Then/Else holds a non-string item: " + arg);
            }
            out.add(item.asText());
        }
        return out;
    }

    /** The arguments this clause stands for, given which inputs the task received. */
    public List<String> resolve(Predicate<String> present) {
        return present.test(inputName) ? then : orElse;
    }

    /** The argument text, as the SDK's compiler writes it. */
    public String text() {
        StringBuilder s = new StringBuilder("{\"IfPresent\": {\"InputName\": ").append(quote(inputName))
                .append(", \"Then\": ").append(list(then));
        if (!orElse.isEmpty()) {
            s.append(", \"Else\": ").append(list(orElse));
        }
        return s.append("}}").toString();
    }

    private static String list(List<String> items) {
        List<String> quoted = items.stream().map(IfPresent::quote).toList();
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String quote(String s) {
        try {
            return KfpJson.MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string is always JSON", e);
        }
    }
}
