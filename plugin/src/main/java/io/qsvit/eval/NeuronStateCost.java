package io.qsvit.eval;

import io.qsvit.quant.ComputedFormat;
import io.qsvit.quant.Scheme;

/**
 * What a membrane group's neuron state costs per image at its fixed-point format, against float32: the bytes the
 * state takes (one value per neuron, kept across timesteps) and the energy of its updates (one per neuron and
 * timestep, priced as one multiply-accumulate at the state's width: the leak's multiply and the input's add).
 */
public record NeuronStateCost(String format, double statesPerImage, double stateBytesPerImage, double updatesPerImage,
                              double updateMicrojoulesPerImage, double float32UpdateMicrojoulesPerImage) {

    static NeuronStateCost of(ComputedFormat format, ComputedCounts counts, int images, EnergyTable table) {
        double states = (double) counts.state() / images;
        double updates = (double) counts.values() / images;
        return new NeuronStateCost(format.id(), states, states * format.bits() / 8, updates,
                updates * table.multiplyAccumulatePj(format.scheme()) / 1e6,
                updates * table.multiplyAccumulatePj(Scheme.FLOAT32) / 1e6);
    }
}
