package io.qsvit.kfp;

import java.util.HashMap;
import java.util.Map;

/** Each step's component, built once per compilation so every spec that uses it embeds the same one. */
final class Components {
    private final ComponentBuilder builder;
    private final Map<StepDeclaration, Component> built = new HashMap<>();

    Components(ComponentBuilder builder) {
        this.builder = builder;
    }

    Component get(StepDeclaration step) {
        return built.computeIfAbsent(step, builder::build);
    }
}
