package io.qsvit.api;

import java.nio.file.Path;

/**
 * The whole pipeline on this machine: sensitivity, bounds, explore, apply and evaluate, each step's output in
 * its own folder under the output folder, each through the cache (a re-run with unchanged inputs computes
 * nothing). A pipeline configuration ({@code qsvit.pipeline/v1}) sets every step's parameters; one that names a
 * setting skips the three search steps. Run it with {@link Steps#run}.
 */
public final class RunRequest {
    final Path model;
    final Path data;
    final Path out;
    final Path config;

    private RunRequest(Builder b) {
        model = b.model;
        data = b.data;
        out = b.out;
        config = b.config;
    }

    /**
     * A builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RunRequest}. */
    public static final class Builder {
        private Path model;
        private Path data;
        private Path out;
        private Path config;

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
         * Sets the labelled images (required); the configuration says which of them each step uses.
         *
         * @param data a data file or folder, in any format qsvit reads
         * @return this builder
         */
        public Builder setData(Path data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the output folder (required): each step writes {@code <out>/<step>}.
         *
         * @param out the folder
         * @return this builder
         */
        public Builder setOut(Path out) {
            this.out = out;
            return this;
        }

        /**
         * Sets the pipeline configuration (JSON or YAML, schema {@code qsvit.pipeline/v1}; default: all data, a
         * one-point requirement).
         *
         * @param file the configuration
         * @return this builder
         */
        public Builder optConfig(Path file) {
            this.config = file;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalArgumentException for the first required value missing
         */
        public RunRequest build() {
            Calls.require(model != null, "a run request needs the model (setModel)");
            Calls.require(data != null, "a run request needs the data (setData)");
            Calls.require(out != null, "a run request needs the output folder (setOut)");
            return new RunRequest(this);
        }
    }
}
