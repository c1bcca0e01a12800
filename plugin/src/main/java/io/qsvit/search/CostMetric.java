package io.qsvit.search;

import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.TensorCost;

/**
 * What the heterogeneous search minimises or caps: the bytes a real artifact stores (codes at their
 * container width, scales, tables), or weight bits (params x bits, SpikeHQ's effective-bits figure).
 */
public enum CostMetric {
    STORAGE_BYTES, WEIGHT_BITS;

    public long of(Group group, Scheme scheme) {
        long total = 0;
        for (Layer layer : group.layers()) {
            TensorCost cost = TensorCost.of(scheme, layer.dims(), layer.channelAxis());
            total += this == STORAGE_BYTES ? cost.storageBytes() : cost.weightBits();
        }
        return total;
    }
}
