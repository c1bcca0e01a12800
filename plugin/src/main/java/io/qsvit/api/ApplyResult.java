package io.qsvit.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.qsvit.step.ApplyStep;

import java.nio.file.Path;

/**
 * The published models of a setting: {@code simulated/model.onnx}, {@code real/model.onnx}, the setting and the
 * memory it implies. The output folder is itself a model artifact every step reads (its real model).
 */
public final class ApplyResult {
    private final Outcome outcome;
    private final Path folder;
    private final Setting setting;
    private final JsonNode results;

    ApplyResult(Outcome outcome, Path folder, Setting setting, JsonNode results) {
        this.outcome = outcome;
        this.folder = folder;
        this.setting = setting;
        this.results = results;
    }

    /**
     * How the output came to be.
     *
     * @return the outcome
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * The output folder.
     *
     * @return the folder
     */
    public Path folder() {
        return folder;
    }

    /**
     * The model file of one form.
     *
     * @param form real or simulated
     * @return {@code <folder>/<form>/model.onnx}
     */
    public Path model(Form form) {
        return folder.resolve(form == Form.REAL ? ApplyStep.REAL : ApplyStep.SIMULATED).resolve("model.onnx");
    }

    /**
     * The setting applied.
     *
     * @return the setting
     */
    public Setting setting() {
        return setting;
    }

    /**
     * Mean bits per weight under the setting (SpikeHQ's figure).
     *
     * @return effective bits
     */
    public double effectiveBits() {
        return results.at("/weights/effective_bits").asDouble();
    }

    /**
     * Bytes of the weights as the real model stores them, scales and zero points included.
     *
     * @return stored bytes
     */
    public long storageBytes() {
        return results.at("/weights/storage_bytes").asLong();
    }

    /**
     * The share of float32's weight memory saved.
     *
     * @return a fraction
     */
    public double savingVsFloat32() {
        return results.at("/weights/saving_vs_float32").asDouble();
    }

    /**
     * The real model's files as measured on disk.
     *
     * @return bytes
     */
    public long realModelBytes() {
        return results.at("/real_model/bytes").asLong();
    }

    /**
     * How many layers bias correction shifted ({@link ApplyRequest.Builder#optBiasCorrection}).
     *
     * @return the corrected layers, 0 when bias correction was off
     */
    public int biasCorrectedLayers() {
        return results.at("/bias_correction/corrected_layers").asInt(0);
    }
}
