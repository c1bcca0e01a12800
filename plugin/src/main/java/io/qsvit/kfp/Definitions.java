package io.qsvit.kfp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qsvit.kfp.Component.Parameter;
import io.qsvit.kfp.Component.Slot;

import java.util.List;

/** The {@code inputDefinitions} and {@code outputDefinitions} of a component (ComponentInputsSpec / ComponentOutputsSpec). */
final class Definitions {
    private Definitions() {
    }

    static ObjectNode inputs(List<Parameter> parameters, List<Slot> artifacts) {
        ObjectNode inputs = KfpJson.object();
        if (!artifacts.isEmpty()) {
            ObjectNode node = inputs.putObject("artifacts");
            artifacts.forEach(a -> node.set(a.name(), artifact(a)));
        }
        if (!parameters.isEmpty()) {
            ObjectNode node = inputs.putObject("parameters");
            parameters.forEach(p -> node.set(p.name(), parameter(p, true)));
        }
        return inputs;
    }

    static ObjectNode outputs(List<Parameter> parameters, List<Slot> artifacts) {
        ObjectNode outputs = KfpJson.object();
        if (!artifacts.isEmpty()) {
            ObjectNode node = outputs.putObject("artifacts");
            artifacts.forEach(a -> node.set(a.name(), artifact(a)));
        }
        if (!parameters.isEmpty()) {
            ObjectNode node = outputs.putObject("parameters");
            parameters.forEach(p -> node.set(p.name(), parameter(p, false)));
        }
        return outputs;
    }

    static ObjectNode artifactType(ArtifactType type) {
        ObjectNode node = KfpJson.object();
        node.put("schemaTitle", type.schemaTitle());
        node.put("schemaVersion", ArtifactType.SCHEMA_VERSION);
        return node;
    }

    static ObjectNode artifact(Slot slot) {
        ObjectNode node = KfpJson.object();
        node.set("artifactType", artifactType(slot.type()));
        if (slot.description() != null && !slot.description().isEmpty()) {
            node.put("description", slot.description());
        }
        if (slot.list()) {
            node.put("isArtifactList", true);
        }
        if (slot.optional()) {
            node.put("isOptional", true);
        }
        return node;
    }

    private static ObjectNode parameter(Parameter p, boolean input) {
        ObjectNode node = KfpJson.object();
        node.put("parameterType", p.type().name());
        if (p.description() != null && !p.description().isEmpty()) {
            node.put("description", p.description());
        }
        if (input && p.defaultValue() != null) {
            node.set("defaultValue", p.defaultValue());
            node.put("isOptional", true);
        }
        return node;
    }
}
