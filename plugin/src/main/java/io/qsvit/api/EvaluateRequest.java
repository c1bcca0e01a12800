package io.qsvit.api;

import io.qsvit.step.EvaluateStep;

import java.nio.file.Path;

/**
 * What the {@code evaluate} step measures: a model (and optionally a baseline, usually the float model it came
 * from) on the same images: accuracy with its interval, top-5, Tribuo's metrics, weight memory, firing rates
 * and the energy estimate. With an output folder it publishes {@code metadata.json} and {@code report.md}
 * through the cache; without one it only measures. Run it with {@link Steps#evaluate}.
 */
public final class EvaluateRequest {
    final Path model;
    final Data data;
    final Path baseline;
    final Path out;
    final Path energyTable;
    final RunOptions runtime;

    private EvaluateRequest(Builder b) {
        model = b.model;
        data = b.data;
        baseline = b.baseline;
        out = b.out;
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

    EvaluateStep.Request internal() {
        return new EvaluateStep.Request(model, baseline, data.internal(), energyTable, runtime.batch(), runtime.threads());
    }

    /** Builds an {@link EvaluateRequest}. */
    public static final class Builder {
        private Path model;
        private Data data;
        private Path baseline;
        private Path out;
        private Path energyTable;
        private RunOptions runtime = RunOptions.defaults();

        private Builder() {
        }

        /**
         * Sets the model (required).
         *
         * @param model an ONNX file, a folder holding {@code model.onnx}, or an apply output folder (its real model)
         * @return this builder
         */
        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the images (required).
         *
         * @param data the data
         * @return this builder
         */
        public Builder setData(Data data) {
            this.data = data;
            return this;
        }

        /**
         * Sets a model to compare with on the same images (default none).
         *
         * @param baseline a model, as {@link #setModel} takes it
         * @return this builder
         */
        public Builder optBaseline(Path baseline) {
            this.baseline = baseline;
            return this;
        }

        /**
         * Publishes the evaluation into this folder (default: measure only, write nothing).
         *
         * @param out the folder
         * @return this builder
         */
        public Builder optOut(Path out) {
            this.out = out;
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
         * @throws IllegalArgumentException for the first required value missing
         */
        public EvaluateRequest build() {
            Calls.require(model != null, "an evaluate request needs the model (setModel)");
            Calls.require(data != null, "an evaluate request needs the data (setData)");
            Calls.require(runtime != null, "optRunOptions must not be given null");
            return new EvaluateRequest(this);
        }
    }
}
