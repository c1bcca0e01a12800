package io.qsvit.search;

import io.qsvit.eval.EnergyEstimate;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.LayerCosts;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.Map;

/**
 * A group's share of the energy estimate under a scheme, with the firing rates measured once on the float
 * model: the estimate is a sum over groups, and quantization moves the rates little, so the search can
 * price every scheme of every group without running it. Trials still report the energy measured with their
 * own rates.
 */
public final class GroupEnergy {
    private final ModelLayers model;
    private final Grouping grouping;
    private final LayerCosts costs;
    private final Map<String, Double> firingRates;
    private final EnergyTable table;

    GroupEnergy(ModelLayers model, Grouping grouping, LayerCosts costs, Map<String, Double> firingRates,
                EnergyTable table) {
        this.model = model;
        this.grouping = grouping;
        this.costs = costs;
        this.firingRates = Map.copyOf(firingRates);
        this.table = table;
    }

    /** Picojoules per image of the group's layers at the scheme. */
    public double picojoules(Group group, Scheme scheme) {
        if (group.isComputed()) { // a neuron's update: one multiply-accumulate at the state's width per timestep
            return group.kind() == io.qsvit.model.GroupKind.NEURON ? group.updates() * table.multiplyAccumulatePj(scheme) : 0;
        }
        Setting alone = Setting.uniform(grouping, scheme);
        return EnergyEstimate.of(model, alone, costs, firingRates, table).groups().get(group.name()).pj();
    }
}
