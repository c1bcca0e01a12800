package io.qsvit.api;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.qsvit.UserInputException;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ToolVersion;
import io.qsvit.model.Group;
import io.qsvit.eval.PreparedModels;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.step.ApplyStep;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;
import org.tribuo.Tribuo;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.interop.onnx.ONNXExternalModel;
import org.tribuo.interop.onnx.protos.ONNXExternalModelProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quantizes the ONNX model inside a Tribuo {@link ONNXExternalModel} with a qsvit setting, as Tribuo's trainers
 * train: configured in code or through OLCUT, then applied to any number of models. The result is a Tribuo
 * model with the source's feature and output domains, transformers and input name, the quantized ONNX bytes
 * (exactly those {@code apply} writes for the same model and setting) and a provenance that says so.
 * <p>
 * Configuration ({@code @Config} fields, as in an OLCUT file; {@code examples/tribuo/quantizer.xml} is one):
 * the setting, from a file ({@code settingFile}) or as JSON text ({@code setting}), exactly one of them; and
 * the {@code form}, {@code real} (integer codes, the default) or {@code simulated}. {@link #getProvenance()} is
 * built from that configuration, with the setting's canonical JSON and digest.
 * <p>
 * The result's provenance keeps the source's dataset and trainer provenance (where the weights came from),
 * replaces the {@code model-metadata-*} entries with the quantized model's ONNX metadata (what
 * {@code createOnnxModel} records for a model file) and appends a {@link QuantizationProvenance} to the chain
 * the source carried, so a model quantized twice says both. It is built through Tribuo's own protobuf form,
 * the one way to give an ONNXExternalModel a provenance of one's own; like every deserialized Tribuo ONNX model
 * it runs ONNX Runtime with one thread.
 */
public final class TribuoQuantizer implements Configurable, Provenancable<TribuoQuantizerProvenance> {
    /** Prefix of ONNXExternalModel.createOnnxModel's provenance entries for the ONNX metadata_props. */
    static final String ONNX_METADATA_PREFIX = "model-metadata-";

    @Config(description = "Setting file (JSON or YAML, schema qsvit.setting/v1). Give this or setting.")
    private Path settingFile;

    @Config(description = "Setting as JSON text (schema qsvit.setting/v1). Give this or settingFile.")
    private String setting;

    @Config(description = "Which model to make: real (integer codes, the file to deploy) or simulated (fake-quantized floats).")
    private String form = Form.REAL.id();

    private Setting parsed;
    private Form parsedForm;

    /** For OLCUT, which sets the fields and calls {@link #postConfig}. */
    private TribuoQuantizer() {
    }

    /**
     * A quantizer of real (integer-coded) models.
     *
     * @param setting the setting to apply
     */
    public TribuoQuantizer(Setting setting) {
        this(setting, Form.REAL);
    }

    /**
     * A quantizer of one form.
     *
     * @param setting the setting to apply
     * @param form    real or simulated
     */
    public TribuoQuantizer(Setting setting, Form form) {
        this.setting = setting.toJson();
        this.form = form.id();
        postConfig();
    }

    /**
     * Checks the configuration and reads the setting; OLCUT calls it after setting the fields.
     *
     * @throws PropertyException naming the field that is missing, doubled or malformed
     */
    @Override
    public void postConfig() {
        if ((settingFile == null) == (setting == null)) {
            throw new PropertyException("", settingFile == null ? "settingFile" : "setting",
                    "give exactly one of settingFile and setting");
        }
        try {
            parsed = Setting.of(settingFile != null ? io.qsvit.quant.Setting.read(settingFile)
                    : io.qsvit.quant.Setting.parse(setting, "setting"));
        } catch (UserInputException e) {
            throw new PropertyException("", settingFile != null ? "settingFile" : "setting", e.getMessage());
        }
        parsedForm = switch (form == null ? "" : form.toLowerCase(Locale.ROOT)) {
            case "real" -> Form.REAL;
            case "simulated" -> Form.SIMULATED;
            default -> throw new PropertyException("", "form", "form is '" + form + "'; real or simulated is expected");
        };
    }

    /**
     * The setting this quantizer applies.
     *
     * @return the setting
     */
    public Setting setting() {
        return parsed;
    }

    /**
     * The form of the models it makes.
     *
     * @return real or simulated
     */
    public Form form() {
        return parsedForm;
    }

    /**
     * The quantizer's provenance: its configuration, and the setting it read as canonical JSON with its SHA-256.
     *
     * @return the provenance
     */
    @Override
    public TribuoQuantizerProvenance getProvenance() {
        return new TribuoQuantizerProvenance(this, parsed.toJson(), Digests.ofCanonicalJson(parsed.internal()));
    }

    /**
     * Quantizes a Tribuo ONNX model.
     *
     * @param model the model, float or already quantized (its codes decode to the weights it computes with)
     * @param <T>   the model's output type
     * @return a new model; the source stays open and unchanged
     * @throws QsvitException when the setting names a group the model does not have, or the ONNX model cannot be
     *                        quantized
     */
    public <T extends Output<T>> ONNXExternalModel<T> quantize(ONNXExternalModel<T> model) {
        return Calls.call(() -> rewrite(model));
    }

    private <T extends Output<T>> ONNXExternalModel<T> rewrite(ONNXExternalModel<T> model) {
        ModelProto serialized = model.serialize();
        ONNXExternalModelProto onnx = unpack(serialized);
        byte[] sourceBytes = onnx.getModelArray().toByteArray();
        OnnxModel source = OnnxModel.fromBytes(sourceBytes, "Tribuo model '" + model.getName() + "'");
        io.qsvit.quant.Setting internal = parsed.internal();
        ModelLayers layers = ApplyStep.layersToQuantize(PreparedModels.prepare(source).model(), internal.grouping());
        internal.validate(layers);
        OnnxMl.ModelProto quantized = ApplyStep.quantize(layers, internal).model(parsedForm.internal());
        byte[] quantizedBytes = quantized.toByteArray();
        Map<String, String> schemes = new LinkedHashMap<>();
        for (Group group : layers.groups()) {
            schemes.put(group.name(), internal.schemeOf(group).id());
        }
        QuantizationProvenance record = new QuantizationProvenance(parsed.toJson(), Digests.ofCanonicalJson(internal),
                schemes, Digests.of(sourceBytes), Digests.of(quantizedBytes), parsedForm.id(), ToolVersion.get(),
                ApplyStep.ALGORITHM_VERSION, QuantizationProvenance.configuration(getProvenance()));
        ModelDataCarrier<T> carrier = new ModelDataCarrier<>(model.getName(),
                provenance(model.getProvenance(), quantized, record), model.getFeatureIDMap(), model.getOutputIDInfo(),
                model.generatesProbabilities(), Tribuo.VERSION);
        ONNXExternalModelProto quantizedOnnx = onnx.toBuilder().setMetadata(carrier.serialize())
                .setModelArray(ByteString.copyFrom(quantizedBytes)).build();
        Model<?> result = Model.deserialize(serialized.toBuilder().setSerializedData(Any.pack(quantizedOnnx)).build());
        @SuppressWarnings("unchecked") // same output domain and transformer as the source model, of output type T
        ONNXExternalModel<T> typed = (ONNXExternalModel<T>) result;
        return typed;
    }

    private static ModelProvenance provenance(ModelProvenance source, OnnxMl.ModelProto quantized,
                                              QuantizationProvenance record) {
        Map<String, Provenance> instance = new LinkedHashMap<>(source.getInstanceProvenance().getMap());
        instance.keySet().removeIf(key -> key.startsWith(ONNX_METADATA_PREFIX));
        for (OnnxMl.StringStringEntryProto entry : quantized.getMetadataPropsList()) {
            if (entry.getKey().equals(ONNXExportable.PROVENANCE_METADATA_FIELD)) {
                continue; // a Tribuo-exported model's own provenance: createOnnxModel leaves it out too
            }
            String key = ONNX_METADATA_PREFIX + entry.getKey();
            instance.put(key, new StringProvenance(key, entry.getValue()));
        }
        List<QuantizationProvenance> chain = new ArrayList<>(QuantizationProvenance.chainOf(source));
        chain.add(record);
        instance.put(QuantizationProvenance.CHAIN, QuantizationProvenance.toProvenance(chain));
        return new ModelProvenance(source.getClassName(), OffsetDateTime.now(), source.getDatasetProvenance(),
                source.getTrainerProvenance(), instance);
    }

    private static ONNXExternalModelProto unpack(ModelProto serialized) {
        try {
            return serialized.getSerializedData().unpack(ONNXExternalModelProto.class);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("Tribuo serialized an ONNXExternalModel it cannot read back", e);
        }
    }

    @Override
    public String toString() {
        return "TribuoQuantizer(setting=" + parsed.toJson() + ",form=" + parsedForm.id() + ")";
    }
}
