package io.qsvit.api;

import io.qsvit.search.SweepMode;
import io.qsvit.step.BoundsStep;

import java.nio.file.Path;

/**
 * What the {@code bounds} step (QSViT Algorithm 2) computes: from a sensitivity matrix, each group's high and
 * low precision bound under an accuracy requirement, and bSettingH and bSettingL measured on the data. Run it
 * with {@link Steps#bounds}.
 */
public final class BoundsRequest {
    final Path sensitivity;
    final Path model;
    final Data data;
    final Requirement requirement;
    final Path out;
    final RunOptions runtime;
    final boolean raced;

    private BoundsRequest(Builder b) {
        raced = b.raced;
        sensitivity = b.sensitivity;
        model = b.model;
        data = b.data;
        requirement = b.requirement;
        out = b.out;
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

    BoundsStep.Request internal() {
        return new BoundsStep.Request(sensitivity, model, data.internal(), requirement.internal(), runtime.batch(), runtime.threads(),
                raced ? SweepMode.RACED : SweepMode.FULL);
    }

    /** Builds a {@link BoundsRequest}. */
    public static final class Builder {
        private Path sensitivity;
        private Path model;
        private Data data;
        private Requirement requirement;
        private Path out;
        private RunOptions runtime = RunOptions.defaults();
        private boolean raced;

        private Builder() {
        }

        /**
         * Sets the sensitivity step's output folder (required; a whole sweep or merged shards).
         *
         * @param folder the folder
         * @return this builder
         */
        public Builder setSensitivity(Path folder) {
            this.sensitivity = folder;
            return this;
        }

        /**
         * Sets the float model the matrix was measured on (required).
         *
         * @param model an ONNX file or a folder holding {@code model.onnx}
         * @return this builder
         */
        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the images bSettingH and bSettingL are measured on (required).
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(Data data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the accuracy requirement (required).
         *
         * @param requirement the requirement
         * @return this builder
         */
        public Builder setRequirement(Requirement requirement) {
            this.requirement = requirement;
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
         * Races bSettingH and bSettingL (default: evaluated on all images): on growing class-balanced prefixes,
         * a base setting stops as soon as its interval shows it misses the requirement.
         *
         * @param raced whether to race
         * @return this builder
         */
        public Builder optRaced(boolean raced) {
            this.raced = raced;
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
         * @throws IllegalArgumentException for the first required value missing
         */
        public BoundsRequest build() {
            Calls.require(sensitivity != null, "a bounds request needs the sensitivity step's output (setSensitivity)");
            Calls.require(model != null, "a bounds request needs the model (setModel)");
            Calls.require(data != null, "a bounds request needs the data (setData)");
            Calls.require(requirement != null, "a bounds request needs the accuracy requirement (setRequirement)");
            Calls.require(out != null, "a bounds request needs the output folder (setOut)");
            Calls.require(runtime != null, "optRunOptions must not be given null");
            return new BoundsRequest(this);
        }
    }
}
