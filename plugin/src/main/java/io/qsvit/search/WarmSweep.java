package io.qsvit.search;

import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sensitivity sweep of a retrained model, warm-started from the matrix of the release it replaces. The
 * matrix exists to decide each group's precision bounds (QSViT Algorithm 2): whether the group alone at a
 * precision stays within the allowed drop at the high bound's threshold and at the low bound's. A retrained
 * model of the same structure keeps its groups' drops at the higher precisions (there quantization barely
 * moves a prediction), so such a cell whose released drop is more than {@code margin} away from both allowed
 * drops cannot change a decision: it is carried over (its released drop applied to the new float accuracy,
 * {@code images} 0: nothing evaluated here). Cells at the sweep's fewest bits are always measured again: there
 * a retrained layer's new weight range can move the drop by points (the SDTv2 reference model's first,
 * pixel-input convolution at uniform4 went from -0.4 to +3.0 points after two more epochs), which no margin on
 * the released drop foresees. The measured cells are raced: on growing class-balanced prefixes of the images, stopping as soon as the
 * interval of the cell's accuracy (against the float model on the same prefix) falls clearly on one side of
 * both thresholds; such a cell records the drop measured on its prefix, applied to the float accuracy on all
 * images. The float model itself is always measured on all images.
 */
public final class WarmSweep {
    /** Released drops within this of an allowed drop are measured again (half a point of accuracy). */
    public static final double DEFAULT_MARGIN = 0.005;

    private final Racing racing;
    private final ModelLayers model;
    private final Grouping grouping;
    private final List<Scheme> precisions;
    private final SensitivityMatrix prior;
    private final Requirement requirement;
    private final double margin;

    /**
     * @param racing      over the sweep's images in class-balanced order; its stages are the racing prefixes
     * @param prior       the released matrix; {@link #compatible} must hold
     * @param requirement the run's requirement, which places the two thresholds the bounds are decided at
     */
    public WarmSweep(Racing racing, ModelLayers model, Grouping grouping, List<Scheme> precisions,
                     SensitivityMatrix prior, Requirement requirement, double margin) {
        this.racing = racing;
        this.model = model;
        this.grouping = grouping;
        this.precisions = List.copyOf(precisions);
        this.prior = prior;
        this.requirement = requirement;
        this.margin = margin;
    }

    /** How each cell was obtained. */
    public record Tally(int carried, int raced, int measured, long imagesEvaluated) {
    }

    /** The new matrix and how much work it took. */
    public record Result(SensitivityMatrix matrix, Tally tally) {
    }

    /**
     * Why the released matrix cannot seed a sweep of this model (other groups, kinds, sizes, grouping or
     * precisions), or empty when it can.
     */
    public static Optional<String> incompatibility(SensitivityMatrix prior, ModelLayers model, Grouping grouping,
                                                    List<Scheme> precisions) {
        if (prior.shard() != null) {
            return Optional.of("the released matrix is one shard, not a whole sweep");
        }
        if (!prior.grouping().equals(grouping)) {
            return Optional.of("the released matrix groups layers differently");
        }
        if (!prior.precisions().equals(precisions)) {
            return Optional.of("the released matrix swept other precisions");
        }
        List<SensitivityMatrix.GroupEntry> now = model.groups().stream()
                .map(g -> new SensitivityMatrix.GroupEntry(g.name(), g.kind(), g.params())).toList();
        if (!prior.groups().equals(now)) {
            return Optional.of("the model's groups (names, kinds or sizes) differ from the released model's");
        }
        return Optional.empty();
    }

    public static boolean compatible(SensitivityMatrix prior, ModelLayers model, Grouping grouping, List<Scheme> precisions) {
        return incompatibility(prior, model, grouping, precisions).isEmpty();
    }

    public Result run(SweepListener listener) {
        List<Group> groups = model.groups();
        int fewestBits = precisions.stream().mapToInt(Scheme::bits).min().orElseThrow();
        listener.started(1 + groups.size() * precisions.size(), 0);
        Setting floatSetting = Setting.uniform(grouping, Scheme.FLOAT32);
        Trial baseline = racing.measure(floatSetting, racing.images());
        listener.evaluated("float32 baseline", baseline);
        double[] allowed = CellRace.allowedDrops(requirement, baseline);
        CellRace cellRace = new CellRace(racing, floatSetting, baseline, allowed);
        double shift = baseline.accuracy() - prior.baseline().accuracy();
        double energyRatio = prior.baseline().energyMicrojoules() > 0
                ? baseline.energyMicrojoules() / prior.baseline().energyMicrojoules() : 1;
        Map<String, Map<String, Trial>> cells = new LinkedHashMap<>();
        Map<String, Map<String, CellSource>> sources = new LinkedHashMap<>();
        List<SensitivityMatrix.GroupEntry> entries = new ArrayList<>();
        int carried = 0;
        int raced = 0;
        int measured = 0;
        long images = baseline.images();
        for (Group group : groups) {
            entries.add(new SensitivityMatrix.GroupEntry(group.name(), group.kind(), group.params()));
            Map<String, Trial> row = new LinkedHashMap<>();
            Map<String, CellSource> sourceRow = new LinkedHashMap<>();
            for (Scheme scheme : precisions) {
                double priorDrop = prior.drop(group.name(), scheme);
                Trial cell;
                if (scheme.bits() > fewestBits && !near(priorDrop, allowed)) {
                    cell = carried(prior.trial(group.name(), scheme), baseline.accuracy() - priorDrop, shift, energyRatio);
                    carried++;
                    sourceRow.put(scheme.id(), new CellSource(CellSource.CARRIED, 0, null, null));
                    listener.evaluated(group.name() + " at " + scheme.id() + " (carried over)", cell);
                } else {
                    Setting alone = new Setting(grouping, Scheme.FLOAT32, Map.of(group.name(), scheme));
                    Trial race = cellRace.race(alone);
                    images += race.images();
                    if (race.images() < baseline.images()) {
                        raced++;
                        sourceRow.put(scheme.id(), new CellSource(CellSource.RACED, race.images(), null, null));
                    } else {
                        measured++;
                        sourceRow.put(scheme.id(), CellSource.measured(race.images()));
                    }
                    cell = race;
                    listener.evaluated(group.name() + " at " + scheme.id(), cell);
                }
                row.put(scheme.id(), cell);
            }
            cells.put(group.name(), row);
            sources.put(group.name(), sourceRow);
        }
        SweepRecord sweep = new SweepRecord("warm", baseline.accuracy() - allowed[0], baseline.accuracy() - allowed[1],
                margin, racing.stages(), null);
        return new Result(SensitivityMatrix.of(null, grouping, precisions, baseline, entries, cells, sweep, sources),
                new Tally(carried, raced, measured, images));
    }

    private boolean near(double drop, double[] allowed) {
        for (double a : allowed) {
            if (Math.abs(drop - a) <= margin) {
                return true;
            }
        }
        return false;
    }

    /** A released cell under the new float accuracy: its drop kept, nothing evaluated. */
    private static Trial carried(Trial released, double accuracy, double shift, double energyRatio) {
        double[] interval = released.interval95();
        return new Trial(released.setting(), 0, 0, accuracy, new double[] {interval[0] + shift, interval[1] + shift},
                released.effectiveBits(), released.storageBytes(), released.energyMicrojoules() * energyRatio);
    }

}
