package io.qsvit.kfp;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Kubeflow's SDK makes of a component file (kfp/dsl/structures.py, {@code ComponentSpec.from_ir_dicts} and
 * {@code Implementation.from_pipeline_spec_dict}), re-read in Java from the IR: the name is
 * {@code pipelineInfo.name}; inputs come from {@code components[comp-<name>]}, or from {@code root} when there
 * is no such component; the implementation is the container of {@code executors[exec-<name>]}, or, when there
 * is no such executor, the whole spec as a graph (a nested pipeline, on which resource setters fail).
 */
final class KfpComponentLoader {
    enum Kind { CONTAINER, GRAPH }

    /** @param inputs name -> optional */
    record Loaded(String name, Kind kind, Map<String, Boolean> inputs, List<String> args) {
    }

    private KfpComponentLoader() {
    }

    static Loaded load(JsonNode spec) {
        String name = spec.path("pipelineInfo").path("name").asText();
        JsonNode component = spec.path("components").path(KfpNames.componentKey(name));
        if (component.isMissingNode()) {
            component = spec.path("root");
        }
        Map<String, Boolean> inputs = new TreeMap<>();
        for (String side : List.of("parameters", "artifacts")) {
            component.path("inputDefinitions").path(side).fields().forEachRemaining(e ->
                    inputs.put(e.getKey(), e.getValue().path("isOptional").asBoolean(false)));
        }
        JsonNode executor = spec.path("deploymentSpec").path("executors").path(KfpNames.executorLabel(name));
        if (executor.isMissingNode()) {
            return new Loaded(name, Kind.GRAPH, inputs, List.of());
        }
        List<String> args = new ArrayList<>();
        executor.path("container").path("args").forEach(a -> args.add(a.asText()));
        return new Loaded(name, Kind.CONTAINER, inputs, args);
    }
}
