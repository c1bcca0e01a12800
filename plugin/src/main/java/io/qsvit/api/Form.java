package io.qsvit.api;

import io.qsvit.quant.QuantizedArtifacts;

/** The two models {@code apply} makes of a setting. */
public enum Form {
    /**
     * Weights stored as integer codes (packed at their bit width) with their scales, decoded by standard ONNX
     * operators: the file to deploy.
     */
    REAL,
    /** The same graph with every weight replaced by its dequantized float32 values (fake quantization). */
    SIMULATED;

    QuantizedArtifacts.Form internal() {
        return QuantizedArtifacts.Form.valueOf(name());
    }

    /**
     * The name of the form's folder in an apply output and of the model's {@code qsvit.form} metadata.
     *
     * @return {@code real} or {@code simulated}
     */
    public String id() {
        return internal().id();
    }
}
