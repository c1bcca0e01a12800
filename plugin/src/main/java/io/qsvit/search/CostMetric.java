package io.qsvit.search;

import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.TensorCost;

/**
 * What the heterogeneous search minimises or caps: the accounted memory in bits (params x bits plus scales,
 * zero points and pow2 tables, QSViT's memory figure), weight bits alone (params x bits, SpikeHQ's
 * effective-bits figure), or the bytes a real artifact stores (codes at their 4-, 8- or 16-bit container
 * width, so 3-bit codes take as much as 4-bit ones). A computed group stores nothing; the memory figure counts
 * the state of its neurons at their width.
 */
public enum CostMetric {
    MEMORY_BITS, WEIGHT_BITS, STORAGE_BYTES;

    public long of(Group group, Scheme scheme) {
        if (group.isComputed()) { // no weights: only a neuron's state takes memory (on chip, per image)
            return this == MEMORY_BITS ? group.states() * scheme.bits() : 0;
        }
        long total = 0;
        for (Layer layer : group.layers()) {
            TensorCost cost = TensorCost.of(scheme, layer.dims(), layer.channelAxis());
            total += switch (this) {
                case MEMORY_BITS -> cost.weightBits() + cost.overheadBits();
                case WEIGHT_BITS -> cost.weightBits();
                case STORAGE_BYTES -> cost.storageBytes();
            };
        }
        return total;
    }
}
