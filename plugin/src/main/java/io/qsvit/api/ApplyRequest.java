package io.qsvit.api;

import java.nio.file.Path;

/**
 * What the {@code apply} step (QSViT Algorithm 4) writes: a setting applied to a model, as the simulated
 * (fake-quantized float) and real (integer-coded) models, the setting and the step's metadata. Run it with
 * {@link Steps#apply}.
 * <pre>{@code
 * ApplyResult applied = Steps.apply(ApplyRequest.builder().setModel(Path.of("model.onnx"))
 *         .setSetting(Setting.uniform(Scheme.uniform(8))).setOut(Path.of("applied")).optDjlServing(true).build());
 * // with bias correction on 500 class-balanced calibration images, as apply --bias-correction does by default
 * Steps.apply(ApplyRequest.builder().setModel(Path.of("model.onnx")).setSetting(Setting.uniform(Scheme.uniform(4)))
 *         .setOut(Path.of("corrected"))
 *         .optBiasCorrection(Data.builder().setPath(Path.of("calibration")).optStratified(500, 0).build()).build());
 * }</pre>
 */
public final class ApplyRequest {
    final Path model;
    final Setting setting;
    final Path settingFile;
    final Path out;
    final boolean djlServing;
    final Data calibration;

    private ApplyRequest(Builder b) {
        model = b.model;
        setting = b.setting;
        settingFile = b.settingFile;
        out = b.out;
        djlServing = b.djlServing;
        calibration = b.calibration;
    }

    /**
     * A builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link ApplyRequest}. */
    public static final class Builder {
        private Path model;
        private Setting setting;
        private Path settingFile;
        private Path out;
        private boolean djlServing;
        private Data calibration;

        private Builder() {
        }

        /**
         * Sets the model to quantize (required).
         *
         * @param model an ONNX file, a folder holding {@code model.onnx}, or an apply output folder (its real
         *              model, whose codes decode to the weights it computes with)
         * @return this builder
         */
        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the setting to apply (required: this or {@link #setSetting(Path)}).
         *
         * @param setting the setting
         * @return this builder
         */
        public Builder setSetting(Setting setting) {
            this.setting = setting;
            return this;
        }

        /**
         * Sets the setting to apply from a file (required: this or {@link #setSetting(Setting)}).
         *
         * @param file a setting file (JSON or YAML), or a folder holding {@code setting.json} (an explore or apply
         *             output)
         * @return this builder
         */
        public Builder setSetting(Path file) {
            this.settingFile = file;
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
         * Also makes both model folders DJL Serving model folders (default false): a {@code serving.properties}
         * naming the engine, the translator and the image size (for a model whose input has a time axis, the
         * event frames), and {@code libs/qsvit-djl.jar} holding the translator, so DJL Serving loads them with
         * nothing of qsvit on its class path. The translator prepares a request as the calibration data of
         * {@link #optBiasCorrection} are read (their image preprocessing or event options), as the command line's
         * {@code apply} does with its one set of options; without calibration data, as the defaults do.
         *
         * @param djlServing whether to
         * @return this builder
         */
        public Builder optDjlServing(boolean djlServing) {
            this.djlServing = djlServing;
            return this;
        }

        /**
         * Corrects the biases (default: off): each quantized layer's expected output shift E[(W - Q(W)) x], with
         * the layer's input means measured on the calibration images (for spike inputs, the firing rates), is
         * folded into its bias (a bias is added where the layer has none); recorded in the results
         * ({@link ApplyResult#biasCorrectedLayers()}) and the cache key. The command line's
         * {@code --bias-correction --calibration-data D} takes 500 class-balanced images with seed 0:
         * {@code Data.builder().setPath(D).optStratified(500, 0)}.
         *
         * @param calibration the calibration images, or null for no bias correction
         * @return this builder
         */
        public Builder optBiasCorrection(Data calibration) {
            this.calibration = calibration;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws IllegalArgumentException for the first required value missing, or two settings
         */
        public ApplyRequest build() {
            Calls.require(model != null, "an apply request needs the model (setModel)");
            Calls.require(setting != null || settingFile != null, "an apply request needs the setting (setSetting)");
            Calls.require(setting == null || settingFile == null, "an apply request takes one setting: a Setting or a file, not both");
            Calls.require(out != null, "an apply request needs the output folder (setOut)");
            return new ApplyRequest(this);
        }
    }
}
