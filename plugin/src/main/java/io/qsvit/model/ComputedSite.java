package io.qsvit.model;

/**
 * One computed tensor a setting can quantize: a neuron's membrane potential at one timestep, or one attention
 * product.
 *
 * @param tensor the graph value holding it (a threshold comparison's compared input, or a MatMul's output)
 * @param kind   what it is
 * @param group  the weight group it belongs to (that of the first weight layer its values flow into)
 */
public record ComputedSite(String tensor, ComputedKind kind, String group) {

    /** The computed group it is set and searched by: {@code <weight group>:<kind>}. */
    public String computedGroup() {
        return ComputedSites.groupName(group, kind);
    }
}
