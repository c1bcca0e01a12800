package io.qsvit.model;

import java.util.List;

/**
 * The unit a precision is assigned to: one or more layers, or (a computed group, {@link ComputedSites}) the
 * tensors of one kind a group computes.
 *
 * @param kindSource where the kind came from: the layer that decided it (structure, name, operator) or a rule
 * @param states     for a computed group, the values per image it keeps from one timestep to the next (a membrane
 *                   group's neurons; 0 for attention products and for weight groups)
 * @param updates    for a computed group, the values per image it computes (every timestep); 0 for weight groups
 */
public record Group(String name, GroupKind kind, List<Layer> layers, Layer.KindSource kindSource, long states,
                    long updates) {
    public Group(String name, GroupKind kind, List<Layer> layers, Layer.KindSource kindSource) {
        this(name, kind, layers, kindSource, 0, 0);
    }

    /** A computed group of the given size (see {@link #states} and {@link #updates}). */
    public static Group computed(String name, ComputedKind kind, long states, long updates) {
        return new Group(name, kind.groupKind(), List.of(), Layer.KindSource.STRUCTURE, states, updates);
    }

    public long params() {
        return layers.stream().mapToLong(Layer::params).sum();
    }

    /** True for a group of computed tensors (no weights). */
    public boolean isComputed() {
        return ComputedSites.isComputedGroupName(name);
    }
}
