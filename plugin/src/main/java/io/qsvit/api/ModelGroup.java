package io.qsvit.api;

import java.util.List;

/**
 * A group of a model's layers, as a grouping forms it: the unit a setting gives a scheme.
 *
 * @param name   the group's name, as settings name it
 * @param kind   what the group does
 * @param params weights in the group
 * @param layers the paths of its layers, in model order
 */
public record ModelGroup(String name, GroupKind kind, long params, List<String> layers) {
    /**
     * Checks and copies the layers.
     *
     * @param name   the group's name, as settings name it
     * @param kind   what the group does
     * @param params weights in the group
     * @param layers the paths of its layers, in model order
     */
    public ModelGroup {
        layers = List.copyOf(layers);
    }
}
