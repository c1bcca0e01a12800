package io.qsvit.search;

import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QSViT Algorithm 1 spending evaluations only where Algorithm 2 needs them. The matrix exists to decide, per
 * group and precision, whether the group alone reaches the high bound's threshold and the low bound's; so,
 * given the run's requirement:
 * <ol>
 * <li>The float model is measured on all images (the images in class-balanced racing order).</li>
 * <li>Within each group the cells are ordered by the {@link WeightError} proxy, largest error first.</li>
 * <li>Each cell is raced ({@link CellRace}): evaluated on growing prefixes and stopped once its 95% interval
 *     decides it at both thresholds, else measured on all images.</li>
 * <li>Once a cell of the group is shown safe by the margin (its drop at most the high bound's allowed drop
 *     minus {@code margin}, measured on the model), every later cell of the group, whose weight error is no
 *     larger, is inferred safe and not evaluated: it records the voucher's accuracy and interval, and its own
 *     memory.</li>
 * </ol>
 * The matrix records per cell how it was obtained ({@link CellSource}) and the thresholds it was decided at
 * ({@link SweepRecord}). Every decision is a function of the journaled evaluations, so a run is deterministic
 * and a resumed run reaches the same matrix.
 */
public final class RacedSweep {
    /** An inferring cell must clear the high bound's allowed drop by this much (half a point of accuracy). */
    public static final double DEFAULT_MARGIN = 0.005;
    /** Seed of the class-balanced image order. */
    public static final long DEFAULT_SEED = 1;

    private final Racing racing;
    private final ModelLayers model;
    private final Grouping grouping;
    private final List<Scheme> precisions;
    private final Requirement requirement;
    private final double margin;
    private final long seed;

    /**
     * @param racing over the sweep's images in the class-balanced order of {@code seed}
     */
    public RacedSweep(Racing racing, ModelLayers model, Grouping grouping, List<Scheme> precisions,
                      Requirement requirement, double margin, long seed) {
        this.racing = racing;
        this.model = model;
        this.grouping = grouping;
        this.precisions = List.copyOf(precisions);
        this.requirement = requirement;
        this.margin = margin;
        this.seed = seed;
    }

    /** Racing prefixes of a raced sweep: an eighth, a quarter and a half of the images, then all. */
    public static List<Integer> stages(int images) {
        return List.of(images / 8, images / 4, images / 2);
    }

    /** How each cell was obtained, and the images evaluated in all (baseline included). */
    public record Tally(int measured, int raced, int inferred, long imagesEvaluated) {
    }

    /** The matrix and how much work it took. */
    public record Result(SensitivityMatrix matrix, Tally tally) {
    }

    public Result run(SweepListener listener) {
        List<Group> groups = model.groups();
        listener.started(1 + groups.size() * precisions.size(), 0);
        Setting floatSetting = Setting.uniform(grouping, Scheme.FLOAT32);
        Trial baseline = racing.measure(floatSetting, racing.images());
        listener.evaluated("float32 baseline", baseline);
        double[] allowed = CellRace.allowedDrops(requirement, baseline);
        CellRace cellRace = new CellRace(racing, floatSetting, baseline, allowed);
        WeightError proxy = new WeightError(model);
        Map<String, Map<String, Trial>> cells = new LinkedHashMap<>();
        Map<String, Map<String, CellSource>> sources = new LinkedHashMap<>();
        List<SensitivityMatrix.GroupEntry> entries = new ArrayList<>();
        int measured = 0;
        int raced = 0;
        int inferred = 0;
        long images = baseline.images();
        for (Group group : groups) {
            entries.add(new SensitivityMatrix.GroupEntry(group.name(), group.kind(), group.params()));
            Map<Scheme, Double> errors = new LinkedHashMap<>();
            precisions.forEach(scheme -> errors.put(scheme, proxy.of(group, scheme)));
            List<Scheme> order = new ArrayList<>(precisions); // stable: equal errors keep column order
            order.sort(Comparator.comparingDouble(errors::get).reversed());
            Map<Scheme, Trial> trials = new LinkedHashMap<>();
            Map<Scheme, CellSource> how = new LinkedHashMap<>();
            Scheme voucher = null;
            for (Scheme scheme : order) {
                Setting alone = new Setting(grouping, Scheme.FLOAT32, Map.of(group.name(), scheme));
                Trial cell;
                if (voucher != null && errors.get(scheme) <= errors.get(voucher)) {
                    cell = inferred(alone, trials.get(voucher));
                    how.put(scheme, new CellSource(CellSource.INFERRED, 0, voucher.id(), errors.get(scheme)));
                    inferred++;
                    listener.evaluated(group.name() + " at " + scheme.id() + " (inferred from " + voucher.id() + ")", cell);
                } else {
                    cell = cellRace.race(alone);
                    images += cell.images();
                    boolean early = cell.images() < baseline.images();
                    how.put(scheme, new CellSource(early ? CellSource.RACED : CellSource.MEASURED, cell.images(), null,
                            errors.get(scheme)));
                    if (early) {
                        raced++;
                    } else {
                        measured++;
                    }
                    listener.evaluated(group.name() + " at " + scheme.id(), cell);
                    if (SensitivityMatrix.within(baseline.accuracy() - cell.accuracy(), allowed[0] - margin)) {
                        voucher = scheme;
                    }
                }
                trials.put(scheme, cell);
            }
            Map<String, Trial> row = new LinkedHashMap<>();
            Map<String, CellSource> sourceRow = new LinkedHashMap<>();
            for (Scheme scheme : precisions) {
                row.put(scheme.id(), trials.get(scheme));
                sourceRow.put(scheme.id(), how.get(scheme));
            }
            cells.put(group.name(), row);
            sources.put(group.name(), sourceRow);
        }
        SweepRecord sweep = new SweepRecord(SweepMode.RACED.id(), baseline.accuracy() - allowed[0],
                baseline.accuracy() - allowed[1], margin, racing.stages(), seed);
        return new Result(SensitivityMatrix.of(null, grouping, precisions, baseline, entries, cells, sweep, sources),
                new Tally(measured, raced, inferred, images));
    }

    /** A cell not evaluated: the voucher's accuracy (a coarser quantization of the same group), its own memory. */
    private Trial inferred(Setting setting, Trial voucher) {
        MemoryAccount memory = setting.memory(model);
        return new Trial(setting, 0, 0, voucher.accuracy(), voucher.interval95().clone(), memory.effectiveBits(),
                memory.storageBytes(), voucher.energyMicrojoules());
    }
}
