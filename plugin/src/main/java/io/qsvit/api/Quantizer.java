package io.qsvit.api;

import io.qsvit.eval.PreparedModels;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.step.ApplyStep;
import io.qsvit.step.ModelInput;

import java.nio.file.Path;

/**
 * Applies a setting to models in memory: the same simulated and real ONNX models {@code apply} writes, byte for
 * byte, without an output folder or the cache (for programs that store models their own way).
 * <pre>{@code
 * QuantizedModel q = Quantizer.of(Setting.uniform(Scheme.uniform(8))).quantize(Path.of("model.onnx"));
 * Files.write(Path.of("model-int8.onnx"), q.bytes(Form.REAL));
 * }</pre>
 */
public final class Quantizer {
    private final Setting setting;

    private Quantizer(Setting setting) {
        this.setting = setting;
    }

    /**
     * A quantizer of one setting.
     *
     * @param setting the setting
     * @return the quantizer
     */
    public static Quantizer of(Setting setting) {
        Calls.require(setting != null, "a quantizer needs a setting");
        return new Quantizer(setting);
    }

    /**
     * The setting it applies.
     *
     * @return the setting
     */
    public Setting setting() {
        return setting;
    }

    /**
     * Quantizes a model file.
     *
     * @param model an ONNX file, a folder holding {@code model.onnx}, or an apply output folder (its real model)
     * @return both forms; models with external data must be quantized with {@link Steps#apply}, which writes it
     * @throws QsvitException when the model cannot be read, or the setting names a group it does not have
     */
    public QuantizedModel quantize(Path model) {
        return Calls.call(() -> quantize(ModelInput.read(model)));
    }

    /**
     * Quantizes a model held in memory.
     *
     * @param onnx a serialized ONNX model without external data
     * @return both forms
     * @throws QsvitException when the bytes are no ONNX model, or the setting names a group it does not have
     */
    public QuantizedModel quantize(byte[] onnx) {
        return Calls.call(() -> quantize(OnnxModel.fromBytes(onnx, "ONNX model in memory")));
    }

    private QuantizedModel quantize(OnnxModel model) {
        io.qsvit.quant.Setting internal = setting.internal();
        ModelLayers layers = ApplyStep.layersToQuantize(PreparedModels.prepare(model).model(), internal.grouping());
        internal.validate(layers);
        QuantizedArtifacts artifacts = ApplyStep.quantize(layers, internal);
        MemoryAccount memory = internal.memory(layers);
        return new QuantizedModel(setting, artifacts.real().toByteArray(), artifacts.simulated().toByteArray(),
                memory.effectiveBits(), memory.storageBytes());
    }
}
