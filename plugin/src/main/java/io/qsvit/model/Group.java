package io.qsvit.model;

import java.util.List;

/**
 * The unit a precision is assigned to: one or more layers.
 *
 * @param kindSource where the kind came from: the layer that decided it (structure, name, operator) or a rule
 */
public record Group(String name, GroupKind kind, List<Layer> layers, Layer.KindSource kindSource) {
    public long params() {
        return layers.stream().mapToLong(Layer::params).sum();
    }
}
