package io.qsvit.search;

import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.Quantizer;
import io.qsvit.quant.Scheme;

/**
 * The raced sweep's cheap proxy for a cell: the relative quantization error of the group's weights under a
 * scheme, sum((w - q(w))^2) / sum(w^2) over all the group's layers (0 for float32 or all-zero weights). It
 * needs no evaluation, only the quantizer the evaluation would run, so it costs milliseconds per cell. Within
 * one group, a scheme with a smaller error perturbs the same weights less; that ordering is all the sweep
 * trusts it for (across groups the same error can matter very differently: a pixel-input convolution is far
 * more sensitive than an MLP).
 */
public final class WeightError {
    private final LayerWeights weights;

    public WeightError(ModelLayers model) {
        this.weights = LayerWeights.of(model.model());
    }

    public double of(Group group, Scheme scheme) {
        double noise = 0;
        double signal = 0;
        for (Layer layer : group.layers()) {
            float[] w = weights.floats(layer);
            float[] q = Quantizer.quantize(layer.tensorName(), w, layer.dims(), layer.channelAxis(), scheme).dequantize();
            for (int i = 0; i < w.length; i++) {
                double d = (double) w[i] - q[i];
                noise += d * d;
                signal += (double) w[i] * w[i];
            }
        }
        return signal == 0 ? 0 : noise / signal;
    }
}
