package io.qsvit.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.qsvit.ConfigFiles;
import io.qsvit.InputLimits;
import io.qsvit.UserInputException;
import io.qsvit.search.SweepMode;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.eval.events.SplitBy;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.step.EvaluateStep;
import io.qsvit.step.ReleaseGates;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code qsvit run} does at each step (schema {@value #SCHEMA}, JSON or YAML; every field optional):
 * which images the steps evaluate on, the accuracy requirement, and each step's parameters. Paths in the file
 * are relative to the file's folder.
 */
public record PipelineConfig(String schema, Data data, Integer batch, Integer threads, Requirement requirement,
                             Sensitivity sensitivity, Bounds bounds, Explore explore, Apply apply, Evaluate evaluate,
                             Gate gate) {
    public static final String SCHEMA = "qsvit.pipeline/v1";
    public static final PipelineConfig DEFAULTS = new PipelineConfig(null, null, null, null, null, null, null, null, null, null, null);

    public PipelineConfig {
        if (schema != null && !schema.equals(SCHEMA)) {
            throw new UserInputException("schema must be " + SCHEMA + ", not " + schema);
        }
        schema = SCHEMA;
        data = data != null ? data : new Data(null, null, null, null);
        batch = batch != null ? InputLimits.batch("batch", batch) : EvaluateStep.DEFAULT_BATCH;
        threads = threads != null ? InputLimits.threads("threads", threads) : Runtime.getRuntime().availableProcessors();
        requirement = requirement != null ? requirement : new Requirement(null, null);
        sensitivity = sensitivity != null ? sensitivity : new Sensitivity(null, null, null, null, null);
        bounds = bounds != null ? bounds : new Bounds(null, null);
        explore = explore != null ? explore : new Explore(null, null, null, null);
        apply = apply != null ? apply : new Apply(null);
        evaluate = evaluate != null ? evaluate : new Evaluate(null, null, null);
        gate = gate != null ? gate : new Gate(null, null, null);
        if (explore.paired() && requirement.targetAccuracy() != null) {
            throw new UserInputException("explore.acceptance paired bounds the drop against the float model: give "
                    + "requirement.max_drop, not target_accuracy");
        }
        if (explore.limit() == null && data.limit() != null && explore.heldOut() >= data.limit()) {
            throw new UserInputException("explore.holdout " + explore.heldOut() + " leaves no images to search: data.limit is "
                    + data.limit());
        }
    }

    public static PipelineConfig read(Path file) {
        PipelineConfig config = ConfigFiles.read(file, PipelineConfig.class);
        Path folder = file.toAbsolutePath().getParent();
        return new PipelineConfig(config.schema, config.data, config.batch, config.threads, config.requirement,
                config.sensitivity, config.bounds, config.explore, new Apply(resolve(folder, config.apply.setting)),
                new Evaluate(resolve(folder, config.evaluate.energyTable), config.evaluate.limit, config.evaluate.seed),
                config.gate);
    }

    /** A step's own choice of images, overriding the run's {@link Data#limit} and {@link Data#seed} when given. */
    public interface Subset {
        Integer limit();

        Long seed();
    }

    /**
     * The images every step evaluates on, unless a step chooses its own subset, and how image files become model
     * input: a preset ({@code none}, {@code imagenet}) and explicit values over it, as the commands' options;
     * and how event recordings become frames ({@code frames_by}, {@code sensor}, {@code frames},
     * {@code time_layout}, as the options of the same names).
     */
    public record Data(String format, String split, Integer limit, Long seed, String preset, Integer resize,
                       Integer crop, List<Double> mean, List<Double> std,
                       @JsonProperty("channel_order") String channelOrder, @JsonProperty("divide_by") Double divideBy,
                       String layout, String exif, @JsonProperty("frames_by") String framesBy, String sensor,
                       Integer frames, @JsonProperty("time_layout") String timeLayout) {
        public Data {
            format = format != null ? DataFormat.parse(format).toString() : DataFormat.AUTO.toString();
            split = split != null ? split : IdxDataset.TEST_SPLIT;
            checkSubset("data", limit, seed);
            preset = preset != null ? preset : "none";
            try {
                Preprocessing.of(preset, resize, crop, channelOrder, divideBy, text(mean), text(std), layout, exif);
            } catch (UserInputException e) {
                throw new UserInputException("data: " + e.getMessage());
            }
            framesBy = framesBy != null ? framesBy : SplitBy.NUMBER.toString();
            timeLayout = timeLayout != null ? timeLayout : TimeLayout.AUTO.toString();
            try {
                EventOptions.of(framesBy, sensor, frames, timeLayout);
            } catch (UserInputException e) {
                throw new UserInputException("data: " + e.getMessage());
            }
        }

        /** The data without preprocessing or event options: format, split and subset. */
        public Data(String format, String split, Integer limit, Long seed) {
            this(format, split, limit, seed, null, null, null, null, null, null, null, null, null, null, null, null,
                    null);
        }

        /** How event recordings become frames, as these values say. */
        public EventOptions events() {
            return EventOptions.of(framesBy, sensor, frames, timeLayout);
        }

        /** The preprocessing these values give. */
        public Preprocessing preprocessing() {
            return Preprocessing.of(preset, resize, crop, channelOrder, divideBy, text(mean), text(std), layout, exif);
        }

        private static String text(List<Double> values) {
            if (values == null) {
                return null;
            }
            StringBuilder s = new StringBuilder();
            for (Double v : values) {
                s.append(s.isEmpty() ? "" : ",").append(v);
            }
            return s.toString();
        }
    }

    /** For bounds and explore: at most one of the two. */
    public record Requirement(@JsonProperty("max_drop") Double maxDrop, @JsonProperty("target_accuracy") Double targetAccuracy) {
        public Requirement {
            if (maxDrop != null && targetAccuracy != null) {
                throw new UserInputException("requirement takes max_drop or target_accuracy, not both");
            }
            fraction("requirement.max_drop", maxDrop);
            fraction("requirement.target_accuracy", targetAccuracy);
        }
    }

    /**
     * QSViT Algorithm 1: the precisions every group is tried at, and how: {@code sweep} full or raced (the
     * default in a run, whose requirement is known; it also races bounds' bSettingH and bSettingL); {@code computed}
     * the kinds of computed tensors swept too (membrane, attention-product), which takes the full sweep.
     */
    public record Sensitivity(List<String> precisions, Integer limit, Long seed, String sweep, List<String> computed)
            implements Subset {
        public static final SweepMode DEFAULT_SWEEP = SweepMode.RACED;

        public Sensitivity(List<String> precisions, Integer limit, Long seed, String sweep) {
            this(precisions, limit, seed, sweep, null);
        }

        public Sensitivity {
            if (computed != null) {
                try {
                    computed.forEach(io.qsvit.model.ComputedKind::parse);
                } catch (UserInputException e) {
                    throw new UserInputException("sensitivity.computed: " + e.getMessage());
                }
                if (computed.isEmpty()) {
                    computed = null;
                } else if (sweep != null && SweepMode.parse(sweep) != SweepMode.FULL) {
                    throw new UserInputException("sensitivity.computed takes the full sweep: drop sensitivity.sweep: "
                            + sweep + " (a run sweeps in full when computed tensors are named)");
                }
            }
            if (sweep != null) {
                try {
                    SweepMode.parse(sweep);
                } catch (UserInputException e) {
                    throw new UserInputException("sensitivity.sweep " + e.getMessage().replace("--sweep ", ""));
                }
            }
            if (precisions != null) {
                try {
                    io.qsvit.quant.PrecisionPreset.expand(precisions);
                } catch (UserInputException e) {
                    throw new UserInputException("sensitivity.precisions: " + e.getMessage());
                }
                precisions = List.copyOf(precisions);
            }
            checkSubset("sensitivity", limit, seed);
        }

        /** The configured sweep; when none is, full where computed tensors are swept, else {@link #DEFAULT_SWEEP}. */
        public SweepMode sweepMode() {
            return sweep != null ? SweepMode.parse(sweep) : computed != null ? SweepMode.FULL : DEFAULT_SWEEP;
        }

        /** The kinds of computed tensors swept (none when not configured). */
        public java.util.Set<io.qsvit.model.ComputedKind> computedKinds() {
            return computed == null ? java.util.Set.of()
                    : computed.stream().map(io.qsvit.model.ComputedKind::parse).collect(java.util.stream.Collectors.toSet());
        }
    }

    /** QSViT Algorithm 2: accuracy tolerances of the high and the low bound. */
    public record Bounds(@JsonProperty("tolerance_high") Double toleranceHigh, @JsonProperty("tolerance_low") Double toleranceLow) {
        public Bounds {
            fraction("bounds.tolerance_high", toleranceHigh);
            fraction("bounds.tolerance_low", toleranceLow);
        }
    }

    /**
     * QSViT Algorithm 3 (guided) or SpikeHQ's search (heterogeneous), under an optional budget, or minimising
     * an optional objective ({@code stored_bytes}, {@code energy}, {@code effective_bits} or a weighted mix);
     * {@code acceptance} {@code observed} (the default: the accuracy on the exploration images) or {@code paired}
     * (the upper 95% bound of the paired drop against the float model), and {@code holdout}: images kept from the
     * search for the final check of the chosen setting (0, the default, for none).
     */
    public record Explore(String strategy, Budget budget, Integer limit, Long seed, String objective,
                          String acceptance, Integer holdout) implements Subset {
        public static final List<String> STRATEGIES = List.of("guided", "heterogeneous");
        public static final List<String> ACCEPTANCES = List.of("observed", "paired");

        public Explore {
            if (strategy != null && !STRATEGIES.contains(strategy)) {
                throw new UserInputException("explore.strategy '" + strategy + "' is not one of " + String.join(", ", STRATEGIES));
            }
            checkSubset("explore", limit, seed);
            if (objective != null) {
                try {
                    io.qsvit.search.Objective.parse(objective);
                } catch (UserInputException e) {
                    throw new UserInputException("explore.objective: " + e.getMessage());
                }
            }
            if (acceptance != null && !ACCEPTANCES.contains(acceptance)) {
                throw new UserInputException("explore.acceptance '" + acceptance + "' is not one of "
                        + String.join(", ", ACCEPTANCES));
            }
            if (holdout != null && holdout < 0) {
                throw new UserInputException("explore.holdout must be 0 or more images, not " + holdout);
            }
            if (holdout != null && limit != null && holdout >= limit) {
                throw new UserInputException("explore.holdout " + holdout + " leaves no images to search: explore.limit is "
                        + limit);
            }
        }

        public Explore(String strategy, Budget budget, Integer limit, Long seed, String objective) {
            this(strategy, budget, limit, seed, objective, null, null);
        }

        public Explore(String strategy, Budget budget, Integer limit, Long seed) {
            this(strategy, budget, limit, seed, null);
        }

        /** Whether candidates are accepted on the paired drop's bound. */
        public boolean paired() {
            return "paired".equals(acceptance);
        }

        /** The held-out images, 0 when none are asked for. */
        public int heldOut() {
            return holdout == null ? 0 : holdout;
        }
    }

    /** At most one of the two: mean bits per weight, or bytes of weight storage. */
    public record Budget(@JsonProperty("effective_bits") Double effectiveBits, @JsonProperty("memory_bytes") Long memoryBytes) {
        public Budget {
            if (effectiveBits != null && memoryBytes != null) {
                throw new UserInputException("explore.budget takes effective_bits or memory_bytes, not both");
            }
            if (effectiveBits != null && !(effectiveBits > 0 && effectiveBits <= 32)) {
                throw new UserInputException("explore.budget.effective_bits must be in (0, 32], not " + effectiveBits);
            }
            if (memoryBytes != null && memoryBytes <= 0) {
                throw new UserInputException("explore.budget.memory_bytes must be positive, not " + memoryBytes);
            }
        }
    }

    /** A given setting skips sensitivity, bounds and explore. */
    public record Apply(String setting) {
    }

    public record Evaluate(@JsonProperty("energy_table") String energyTable, Integer limit, Long seed) implements Subset {
        public Evaluate {
            checkSubset("evaluate", limit, seed);
        }
    }

    /**
     * The release gate of {@code run --release}: how much worse than the released model the new one may be on
     * the evaluation images (accuracy in absolute points, energy and stored bytes as fractions).
     */
    public record Gate(@JsonProperty("max_accuracy_drop") Double maxAccuracyDrop,
                       @JsonProperty("max_energy_increase") Double maxEnergyIncrease,
                       @JsonProperty("max_storage_increase") Double maxStorageIncrease) {
        public Gate {
            gates(maxAccuracyDrop, maxEnergyIncrease, maxStorageIncrease); // checks the values
        }

        /** The gates, defaults filled in. */
        public ReleaseGates gates() {
            return gates(maxAccuracyDrop, maxEnergyIncrease, maxStorageIncrease);
        }

        private static ReleaseGates gates(Double accuracy, Double energy, Double storage) {
            ReleaseGates d = ReleaseGates.DEFAULTS;
            return new ReleaseGates(accuracy != null ? accuracy : d.maxAccuracyDrop(),
                    energy != null ? energy : d.maxEnergyIncrease(), storage != null ? storage : d.maxStorageIncrease());
        }
    }

    private static String resolve(Path folder, String path) {
        return path == null ? null : folder.resolve(path).normalize().toString();
    }

    private static int positive(String name, int value) {
        if (value < 1) {
            throw new UserInputException(name + " must be at least 1, not " + value);
        }
        return value;
    }

    private static void checkSubset(String where, Integer limit, Long seed) {
        if (limit != null && limit < 1) {
            throw new UserInputException(where + ".limit must be at least 1, not " + limit);
        }
        if (seed != null && limit == null) {
            throw new UserInputException(where + ".seed chooses a stratified subset and needs " + where + ".limit");
        }
    }

    private static void fraction(String name, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new UserInputException(name + " must be between 0 and 1, not " + value);
        }
    }
}
