package io.qsvit.api;

import io.qsvit.search.Budget;
import io.qsvit.search.SearchSpace;
import io.qsvit.step.ExploreStep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code explore} step searches: a mixed-precision setting that meets the accuracy requirement, by
 * QSViT's guided exploration from the bounds (Algorithm 3) or SpikeHQ's heterogeneous search over uniform and
 * power-of-two schemes. Candidates race on growing prefixes of the images and are accepted only on all of them.
 * Run it with {@link Steps#explore}.
 */
public final class ExploreRequest {
    /** How to search. */
    public enum Strategy {
        /** QSViT's guided exploration: from bSettingH, one group one rung down at a time. */
        GUIDED,
        /** SpikeHQ's space: per group uniform or pow2 at any width, chosen by an exact knapsack over probed drops. */
        HETEROGENEOUS
    }

    final Path model;
    final Data data;
    final Path bounds;
    final Path sensitivity;
    final Path out;
    final Strategy strategy;
    final Double maxDrop;
    final Double targetAccuracy;
    final Double budgetBits;
    final Long budgetBytes;
    final List<Integer> racing;
    final List<Scheme> space;
    final int probeImages;
    final long racingSeed;
    final Path energyTable;
    final RunOptions runtime;

    private ExploreRequest(Builder b) {
        model = b.model;
        data = b.data;
        bounds = b.bounds;
        sensitivity = b.sensitivity;
        out = b.out;
        strategy = b.strategy;
        maxDrop = b.maxDrop;
        targetAccuracy = b.targetAccuracy;
        budgetBits = b.budgetBits;
        budgetBytes = b.budgetBytes;
        racing = List.copyOf(b.racing);
        space = b.space == null ? null : List.copyOf(b.space);
        probeImages = b.probeImages;
        racingSeed = b.racingSeed;
        energyTable = b.energyTable;
        runtime = b.runtime;
    }

    /**
     * A builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    ExploreStep.Request internal() {
        Budget budget = budgetBits == null && budgetBytes == null ? null : new Budget(budgetBits, budgetBytes);
        SearchSpace searchSpace = space == null ? SearchSpace.SPIKEHQ
                : new SearchSpace(space.stream().map(Scheme::internal).toList());
        return new ExploreStep.Request(model, data.internal(), bounds, sensitivity,
                ExploreStep.Strategy.valueOf(strategy.name()), maxDrop, targetAccuracy, budget, racing, searchSpace,
                probeImages, racingSeed, energyTable, runtime.batch(), runtime.threads());
    }

    /** Builds an {@link ExploreRequest}. */
    public static final class Builder {
        private Path model;
        private Data data;
        private Path bounds;
        private Path sensitivity;
        private Path out;
        private Strategy strategy = Strategy.GUIDED;
        private Double maxDrop;
        private Double targetAccuracy;
        private Double budgetBits;
        private Long budgetBytes;
        private List<Integer> racing = new ArrayList<>(ExploreStep.DEFAULT_RACING);
        private List<Scheme> space;
        private int probeImages = ExploreStep.DEFAULT_PROBE_IMAGES;
        private long racingSeed = ExploreStep.DEFAULT_RACING_SEED;
        private Path energyTable;
        private RunOptions runtime = RunOptions.defaults();

        private Builder() {
        }

        /**
         * Sets the float model (required).
         *
         * @param model an ONNX file or a folder holding {@code model.onnx}
         * @return this builder
         */
        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the exploration images (required).
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(Data data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the bounds step's output folder (required): the requirement, bSettingH and bSettingL.
         *
         * @param folder the folder
         * @return this builder
         */
        public Builder setBounds(Path folder) {
            this.bounds = folder;
            return this;
        }

        /**
         * Sets the output folder (required).
         *
         * @param out the folder
         * @return this builder
         */
        public Builder setOut(Path out) {
            this.out = out;
            return this;
        }

        /**
         * Sets the sensitivity step's output: it orders guided's groups and gives its ladder; its cells stand in
         * for heterogeneous's probes (default none).
         *
         * @param folder the folder
         * @return this builder
         */
        public Builder optSensitivity(Path folder) {
            this.sensitivity = folder;
            return this;
        }

        /**
         * Sets the strategy (default {@link Strategy#GUIDED}).
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder optStrategy(Strategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /**
         * Overrides the bounds' requirement: at most this far below the float model on the exploration data.
         *
         * @param drop a fraction of accuracy in [0, 1]
         * @return this builder
         */
        public Builder optMaxDrop(double drop) {
            this.maxDrop = drop;
            return this;
        }

        /**
         * Overrides the bounds' requirement: at least this accuracy on the exploration data.
         *
         * @param accuracy a fraction in [0, 1]
         * @return this builder
         */
        public Builder optTargetAccuracy(double accuracy) {
            this.targetAccuracy = accuracy;
            return this;
        }

        /**
         * Heterogeneous only: the most accurate setting within this many effective bits per weight.
         *
         * @param bits above 0, at most 32
         * @return this builder
         */
        public Builder optBudgetBits(double bits) {
            this.budgetBits = bits;
            return this;
        }

        /**
         * Heterogeneous only: the most accurate setting whose weights a real artifact stores in at most this many
         * bytes.
         *
         * @param bytes above 0
         * @return this builder
         */
        public Builder optBudgetBytes(long bytes) {
            this.budgetBytes = bytes;
            return this;
        }

        /**
         * Sets the racing stages (default 500 and 2,000 images); an empty list evaluates every candidate on all
         * images.
         *
         * @param stages image counts, each above 0
         * @return this builder
         */
        public Builder optRacing(List<Integer> stages) {
            this.racing = stages == null ? null : new ArrayList<>(stages);
            return this;
        }

        /**
         * Heterogeneous only: the schemes to choose from (default SpikeHQ's: uniform 3 to 8 and 16 bits, pow2 3 to
         * 6 bits, per channel).
         *
         * @param schemes the search space
         * @return this builder
         */
        public Builder optSpace(List<Scheme> schemes) {
            this.space = schemes == null ? null : new ArrayList<>(schemes);
            return this;
        }

        /**
         * Heterogeneous only: images of each per-group probe (default 500).
         *
         * @param images above 0
         * @return this builder
         */
        public Builder optProbeImages(int images) {
            this.probeImages = images;
            return this;
        }

        /**
         * Sets the seed of the class-balanced order in which images are raced (default 1).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optRacingSeed(long seed) {
            this.racingSeed = seed;
            return this;
        }

        /**
         * Sets an energy table (JSON or YAML, schema {@code qsvit.energy-table/v1}) instead of the bundled 45 nm
         * figures.
         *
         * @param file the table
         * @return this builder
         */
        public Builder optEnergyTable(Path file) {
            this.energyTable = file;
            return this;
        }

        /**
         * Sets how ONNX Runtime runs (default {@link RunOptions#defaults()}).
         *
         * @param runtime batch and threads
         * @return this builder
         */
        public Builder optRunOptions(RunOptions runtime) {
            this.runtime = runtime;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalArgumentException for the first required value missing or the first contradiction
         */
        public ExploreRequest build() {
            Calls.require(model != null, "an explore request needs the model (setModel)");
            Calls.require(data != null, "an explore request needs the data (setData)");
            Calls.require(bounds != null, "an explore request needs the bounds step's output (setBounds)");
            Calls.require(out != null, "an explore request needs the output folder (setOut)");
            Calls.require(strategy != null, "optStrategy must not be given null");
            Calls.require(maxDrop == null || targetAccuracy == null, "optMaxDrop and optTargetAccuracy exclude each other");
            Calls.require(maxDrop == null || (maxDrop >= 0 && maxDrop <= 1), "the maximum drop must be in [0, 1], got " + maxDrop);
            Calls.require(targetAccuracy == null || (targetAccuracy >= 0 && targetAccuracy <= 1),
                    "the target accuracy must be in [0, 1], got " + targetAccuracy);
            Calls.require(budgetBits == null || budgetBytes == null, "optBudgetBits and optBudgetBytes exclude each other");
            Calls.require(strategy == Strategy.HETEROGENEOUS || (budgetBits == null && budgetBytes == null),
                    "a budget applies to the heterogeneous strategy only");
            Calls.require(budgetBits == null || (budgetBits > 0 && budgetBits <= 32), "the bits budget must be in (0, 32], got " + budgetBits);
            Calls.require(budgetBytes == null || budgetBytes > 0, "the bytes budget must be above 0, got " + budgetBytes);
            Calls.require(racing != null && racing.stream().allMatch(s -> s != null && s > 0),
                    "racing stages are image counts above 0, got " + racing);
            Calls.require(space == null || (!space.isEmpty() && space.stream().allMatch(s -> s != null)),
                    "the search space needs at least one scheme");
            Calls.require(probeImages > 0, "probe images must be above 0, got " + probeImages);
            Calls.require(runtime != null, "optRunOptions must not be given null");
            return new ExploreRequest(this);
        }
    }
}
