package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An artifact as a run knows it (RuntimeArtifact in pipeline_spec.proto): type, URI, metadata. */
public record RuntimeArtifact(String name, JsonNode type, String uri, ObjectNode metadata) {

    ObjectNode toJson() {
        ObjectNode node = KfpJson.object();
        node.put("name", name);
        node.set("type", type);
        node.put("uri", uri);
        node.set("metadata", metadata);
        return node;
    }
}
