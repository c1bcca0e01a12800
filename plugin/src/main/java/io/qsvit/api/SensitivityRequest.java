package io.qsvit.api;

import io.qsvit.search.Shard;
import io.qsvit.search.SweepMode;
import io.qsvit.step.SensitivityStep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code sensitivity} step (QSViT Algorithm 1) measures: every group of the model alone at every
 * precision, all other groups at float32, on the data. Run it with {@link Steps#sensitivity}.
 * <pre>{@code
 * SensitivityResult sens = Steps.sensitivity(SensitivityRequest.builder().setModel(model).setData(data)
 *         .setOut(Path.of("sens")).optPrecisions(List.of(Scheme.uniform(8), Scheme.uniform(4), Scheme.pow2(4))).build());
 * }</pre>
 */
public final class SensitivityRequest {
    final Path model;
    final Data data;
    final Path out;
    final List<Scheme> precisions;
    final Grouping grouping;
    final Shard shard;
    final RunOptions runtime;
    final Requirement racedFor;
    final java.util.Set<GroupKind> computed;

    private SensitivityRequest(Builder b) {
        computed = java.util.Set.copyOf(b.computed);
        racedFor = b.racedFor;
        model = b.model;
        data = b.data;
        out = b.out;
        precisions = List.copyOf(b.precisions);
        grouping = b.grouping;
        shard = b.shard;
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

    SensitivityStep.Request internal() {
        return new SensitivityStep.Request(model, data.internal(), precisions.stream().map(Scheme::internal).toList(),
                grouping.internal(), shard, runtime.batch(), runtime.threads(), null,
                racedFor == null ? SweepMode.FULL : SweepMode.RACED, racedFor == null ? null : racedFor.internal(),
                io.qsvit.search.TrialEvaluator.DEFAULT_PREFIX_BUDGET, computed.stream().map(k -> switch (k) {
                    case NEURON -> io.qsvit.model.ComputedKind.MEMBRANE;
                    case ATTENTION_PRODUCT -> io.qsvit.model.ComputedKind.ATTENTION_PRODUCT;
                    default -> throw new IllegalStateException("checked by optComputed: " + k);
                }).collect(java.util.stream.Collectors.toSet()));
    }

    /** Builds a {@link SensitivityRequest}. */
    public static final class Builder {
        private Path model;
        private Data data;
        private Path out;
        private List<Scheme> precisions = SensitivityStep.DEFAULT_PRECISIONS.stream().map(Scheme::of).toList();
        private Grouping grouping = Grouping.qsvit();
        private Shard shard;
        private RunOptions runtime = RunOptions.defaults();
        private Requirement racedFor;
        private java.util.Set<GroupKind> computed = java.util.Set.of();

        private Builder() {
        }

        /**
         * Also sweeps the tensors the model computes, per group, after the weight groups (full sweep only):
         * {@link GroupKind#NEURON} the membrane potentials of its spiking neurons, {@link GroupKind#ATTENTION_PRODUCT}
         * the products of two computed tensors in attention. Rows {@code <group>:membrane} and
         * {@code <group>:attention-product}; docs/computed.md.
         *
         * @param kinds NEURON and/or ATTENTION_PRODUCT
         * @return this builder
         * @throws IllegalArgumentException for a kind of weight group
         */
        public Builder optComputed(java.util.Set<GroupKind> kinds) {
            for (GroupKind k : kinds) {
                if (k != GroupKind.NEURON && k != GroupKind.ATTENTION_PRODUCT) {
                    throw new IllegalArgumentException(k.id() + " is a kind of weight group, not of computed tensors: "
                            + "give neuron and/or attention-product");
                }
            }
            this.computed = java.util.Set.copyOf(kinds);
            return this;
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
         * Sets the images every cell is measured on (required).
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(Data data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the output folder (required): created, or one holding this same artifact.
         *
         * @param out the folder
         * @return this builder
         */
        public Builder setOut(Path out) {
            this.out = out;
            return this;
        }

        /**
         * Sets the matrix's columns (default QSViT's uniform 16, 12, 8 and 4 bits).
         *
         * @param precisions schemes below float32, each once
         * @return this builder
         */
        public Builder optPrecisions(List<Scheme> precisions) {
            this.precisions = precisions == null ? null : new ArrayList<>(precisions);
            return this;
        }

        /**
         * Sets the grouping (default {@link Grouping#qsvit()}).
         *
         * @param grouping the grouping
         * @return this builder
         */
        public Builder optGrouping(Grouping grouping) {
            this.grouping = grouping;
            return this;
        }

        /**
         * Sweeps one shard only: groups {@code index}, {@code index + count}, ... (model order), plus the float
         * baseline; {@link Steps#mergeSensitivity} joins the shards.
         *
         * @param index 0 to {@code count - 1}
         * @param count the number of shards, above 0
         * @return this builder
         */
        public Builder optShard(int index, int count) {
            Calls.require(count > 0 && index >= 0 && index < count, "a shard is i/n with 0 <= i < n, got " + index + "/" + count);
            this.shard = new Shard(index, count);
            return this;
        }

        /**
         * Races the sweep against a requirement instead of QSViT's full sweep (the default): cells ordered by
         * their weight quantization error, evaluated on growing class-balanced prefixes and stopped once decided
         * at the requirement's two thresholds, cells shown safe by a margin inferred. The matrix then serves
         * {@code bounds} under this requirement only, and records per cell how it was obtained.
         *
         * @param requirement the requirement bounds will be given; null for the full sweep
         * @return this builder
         */
        public Builder optRaced(Requirement requirement) {
            this.racedFor = requirement;
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
         * @throws IllegalArgumentException for the first required value missing, or precisions that are empty,
         *                                  contain float32 or repeat a scheme
         */
        public SensitivityRequest build() {
            Calls.require(model != null, "a sensitivity request needs the model (setModel)");
            Calls.require(data != null, "a sensitivity request needs the data (setData)");
            Calls.require(out != null, "a sensitivity request needs the output folder (setOut)");
            Calls.require(precisions != null && !precisions.isEmpty(), "a sensitivity request needs at least one precision");
            Calls.require(precisions.stream().allMatch(p -> p != null && p.family() != Scheme.Family.FLOAT32),
                    "float32 is the baseline every sweep measures; list only lower precisions");
            Calls.require(precisions.stream().distinct().count() == precisions.size(), "a precision is listed twice: " + precisions);
            Calls.require(grouping != null, "optGrouping must not be given null");
            Calls.require(runtime != null, "optRunOptions must not be given null");
            Calls.require(racedFor == null || shard == null, "a raced sweep is not sharded (optRaced with optShard)");
            return new SensitivityRequest(this);
        }
    }
}
