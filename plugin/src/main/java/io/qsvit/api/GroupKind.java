package io.qsvit.api;

import java.util.Locale;

/**
 * What a group of layers does. QSViT states its findings per kind (attention needs high precision,
 * downsampling tolerates low); qsvit infers a group's kind from its layers, and a grouping rule can fix it.
 */
public enum GroupKind {
    /** The classifier at the end. */
    HEAD,
    /** Downsampling, patch embedding, stem. */
    DOWNSAMPLE,
    /** Self-attention projections. */
    ATTENTION,
    /** The channel MLP of a transformer block. */
    MLP,
    /** A convolutional block. */
    CONV_BLOCK,
    /** Anything else. */
    OTHER,
    /** The membrane potentials of a group's spiking neurons (a computed group {@code <group>:membrane}). */
    NEURON,
    /** The products of computed tensors in a group's attention (a computed group {@code <group>:attention-product}). */
    ATTENTION_PRODUCT;

    io.qsvit.model.GroupKind internal() {
        return io.qsvit.model.GroupKind.valueOf(name());
    }

    static GroupKind of(io.qsvit.model.GroupKind kind) {
        return valueOf(kind.name());
    }

    /**
     * The name settings files and reports use.
     *
     * @return e.g. {@code conv-block}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
