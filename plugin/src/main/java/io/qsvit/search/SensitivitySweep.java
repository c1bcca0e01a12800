package io.qsvit.search;

import io.qsvit.model.ComputedKind;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QSViT Algorithm 1, the layer-wise sensitivity sweep: the float model once, then every group (of the shard)
 * quantized alone at every precision while all other groups stay float32. Every finished trial goes to the
 * journal first, so a killed run resumes where it stopped; trials found in the journal are not evaluated again.
 */
public final class SensitivitySweep {
    static final String BASELINE = "baseline";

    private final TrialEvaluator evaluator;
    private final Grouping grouping;
    private final List<Scheme> precisions;
    private final Shard shard;
    /** Computed groups swept after the weight groups (computed group -> kind), and their calibrated ranges. */
    private final Map<String, ComputedKind> computed;
    private final Map<String, Double> ranges;

    /** @param shard null for every group */
    public SensitivitySweep(TrialEvaluator evaluator, Grouping grouping, List<Scheme> precisions, Shard shard) {
        this(evaluator, grouping, precisions, shard, Map.of(), Map.of());
    }

    /**
     * A sweep that also puts each computed group alone at each precision ({@link io.qsvit.quant.ComputedFormat}),
     * weights float32; {@code ranges} (computed group -> largest magnitude) place the binary point of uniform widths.
     */
    public SensitivitySweep(TrialEvaluator evaluator, Grouping grouping, List<Scheme> precisions, Shard shard,
                            Map<String, ComputedKind> computed, Map<String, Double> ranges) {
        this.evaluator = evaluator;
        this.grouping = grouping;
        this.precisions = List.copyOf(precisions);
        this.shard = shard;
        this.computed = new LinkedHashMap<>(computed);
        this.ranges = new LinkedHashMap<>(ranges);
    }

    /** The work the sweep does: the baseline, then its groups in model order, each at every precision. */
    private record Cell(Group group, Scheme scheme) {
        String key() {
            return group == null ? BASELINE : scheme.id() + " " + group.name();
        }

        String label() {
            return group == null ? "float32 baseline" : group.name() + " at " + scheme.id();
        }
    }

    public SensitivityMatrix run(Journal journal, SweepListener listener) {
        journal.problems().forEach(listener::warn);
        ModelLayers model = evaluator.model();
        List<Cell> cells = new ArrayList<>();
        cells.add(new Cell(null, null));
        List<SensitivityMatrix.GroupEntry> groups = new ArrayList<>();
        List<Group> rows = new ArrayList<>(model.groups());
        // a computed group has no weight layers: it is its tensors, set through the setting
        computed.forEach((name, kind) -> rows.add(Group.computed(name, kind, 0, 0)));
        for (int i = 0; i < rows.size(); i++) {
            Group group = rows.get(i);
            groups.add(new SensitivityMatrix.GroupEntry(group.name(), group.kind(), group.params()));
            if (shard == null || shard.includes(i)) {
                precisions.forEach(scheme -> cells.add(new Cell(group, scheme)));
            }
        }
        listener.started(cells.size(), (int) cells.stream().filter(c -> journal.get(c.key()).isPresent()).count());
        Map<String, Trial> done = new LinkedHashMap<>();
        for (Cell cell : cells) {
            journal.get(cell.key(), Trial.class).ifPresent(trial -> done.put(cell.key(), trial));
        }
        // a group's cells share the float prefix before it: evaluated together, the prefix runs once
        Map<Group, List<Cell>> pending = new LinkedHashMap<>();
        for (Cell cell : cells) {
            if (!done.containsKey(cell.key())) {
                pending.computeIfAbsent(cell.group(), g -> new ArrayList<>()).add(cell);
            }
        }
        Setting base = Setting.uniform(grouping, Scheme.FLOAT32);
        pending.forEach((group, todo) -> {
            List<Trial> trials = group == null ? List.of(evaluator.evaluate(base))
                    : evaluator.evaluateAll(base, List.of(group), todo.stream().map(this::settingOf).toList());
            for (int i = 0; i < todo.size(); i++) {
                journal.append(todo.get(i).key(), trials.get(i));
                listener.evaluated(todo.get(i).label(), trials.get(i));
                done.put(todo.get(i).key(), trials.get(i));
            }
        });
        Map<String, Map<String, Trial>> matrix = new LinkedHashMap<>();
        for (Cell cell : cells.subList(1, cells.size())) {
            matrix.computeIfAbsent(cell.group().name(), g -> new LinkedHashMap<>()).put(cell.scheme().id(), done.get(cell.key()));
        }
        return SensitivityMatrix.of(shard, grouping, precisions, done.get(BASELINE), groups, matrix);
    }

    private Setting settingOf(Cell cell) {
        Setting all = Setting.uniform(grouping, Scheme.FLOAT32);
        if (cell.group() == null) {
            return all;
        }
        String name = cell.group().name();
        return new Setting(grouping, Scheme.FLOAT32, Map.of(name, cell.scheme()),
                ranges.containsKey(name) ? Map.of(name, ranges.get(name)) : Map.of());
    }
}
