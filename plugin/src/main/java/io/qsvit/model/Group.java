package io.qsvit.model;

import java.util.List;

/** The unit a precision is assigned to: one or more layers. */
public record Group(String name, GroupKind kind, List<Layer> layers) {
    public long params() {
        return layers.stream().mapToLong(Layer::params).sum();
    }
}
