package io.qsvit.model;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.Locale;

/**
 * A kind of tensor a model computes (not one it stores) that a setting may hold in fixed point: the membrane
 * potential of a spiking neuron (its state, compared with the threshold and carried to the next timestep), or
 * the product of two computed tensors in attention (Q·Kᵀ, (Q·Kᵀ)·V: the accumulators of spike-driven attention).
 */
public enum ComputedKind {
    MEMBRANE, ATTENTION_PRODUCT;

    /** The word settings use after a group's name: {@code stage3.block1:membrane}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ComputedKind parse(String id) {
        return Arrays.stream(values()).filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new UserInputException("unknown computed tensor kind '" + id + "'; one of "
                        + Arrays.stream(values()).map(ComputedKind::id).toList()));
    }

    /** The group kind its computed groups are reported and searched as. */
    public GroupKind groupKind() {
        return this == MEMBRANE ? GroupKind.NEURON : GroupKind.ATTENTION_PRODUCT;
    }
}
