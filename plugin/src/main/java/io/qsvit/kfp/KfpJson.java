package io.qsvit.kfp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The JSON and YAML mappers of the Kubeflow integration, and the key-sorted form every spec is written in. */
final class KfpJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private KfpJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The YAML text of a spec, keys sorted at every level (as Kubeflow's compiler writes them), so output is stable. */
    static String yaml(JsonNode spec) {
        try {
            return YAML.writeValueAsString(sorted(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a spec as YAML", e);
        }
    }

    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode copy = MAPPER.createObjectNode();
            for (String name : names) {
                copy.set(name, sorted(node.get(name)));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = MAPPER.createArrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }
}
