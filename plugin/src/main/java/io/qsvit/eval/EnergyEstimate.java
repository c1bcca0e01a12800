package io.qsvit.eval;

import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Energy per image of the weight layers, the usual SNN estimate: a layer whose input is not spikes (the
 * encoder) does MACs x E_MAC; a layer fed by spikes only adds a weight when an input spikes, so it does
 * SOPs = firing rate x MACs accumulates, at E_AC each. MACs already span all timesteps (they are folded
 * into the batch when measured), so the rate is the mean over timesteps too. Operations between two
 * activations (attention's spike products) and neuron updates are not counted.
 */
public record EnergyEstimate(Map<String, GroupEnergy> groups, double totalPj) {

    /** One group's share: multiply-accumulates of non-spiking layers, synaptic operations of spiking ones. */
    public record GroupEnergy(long macs, double sops, double pj) {
    }

    /**
     * @param firingRates layer tensor name -> mean firing rate of its input; layers absent here have
     *                    non-spiking input and count as MAC layers
     */
    public static EnergyEstimate of(ModelLayers model, Setting setting, LayerCosts costs,
                                    Map<String, Double> firingRates, EnergyTable table) {
        Map<String, GroupEnergy> groups = new LinkedHashMap<>();
        double total = 0;
        for (Group group : model.groups()) {
            Scheme scheme = setting.schemeOf(group);
            long macs = 0;
            double sops = 0;
            double pj = 0;
            for (Layer layer : group.layers()) {
                long layerMacs = costs.macsPerImage(layer);
                Double rate = firingRates.get(layer.tensorName());
                if (rate == null) {
                    macs += layerMacs;
                    pj += layerMacs * table.multiplyAccumulatePj(scheme);
                } else {
                    sops += rate * layerMacs;
                    pj += rate * layerMacs * table.accumulatePj(scheme);
                }
            }
            groups.put(group.name(), new GroupEnergy(macs, sops, pj));
            total += pj;
        }
        return new EnergyEstimate(groups, total);
    }

    public double totalMicrojoules() {
        return totalPj / 1e6;
    }
}
