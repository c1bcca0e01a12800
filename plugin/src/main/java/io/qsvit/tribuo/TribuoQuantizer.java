package io.qsvit.tribuo;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ToolVersion;
import io.qsvit.model.Group;
import io.qsvit.model.ModelLayers;
import io.qsvit.eval.PreparedModels;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.quant.Setting;
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

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantizes the ONNX model inside a Tribuo {@link ONNXExternalModel} with a qsvit setting and returns a Tribuo
 * model of the result: same feature and output domains, same transformers and input name, the quantized ONNX
 * bytes (exactly those {@code apply} writes for the same model and setting) and a provenance that says so.
 * <p>
 * The provenance keeps the source's dataset and trainer provenance (the weights were trained where it says),
 * replaces the {@code model-metadata-*} entries with the quantized model's ONNX metadata (what
 * {@code createOnnxModel} records for a model file) and adds a {@link QuantizationProvenance}. The model is
 * built through Tribuo's own protobuf form, the one way to give an ONNXExternalModel a provenance of our
 * making; like every deserialized Tribuo ONNX model it runs ONNX Runtime with one thread.
 */
public final class TribuoQuantizer {
    /** Prefix of ONNXExternalModel.createOnnxModel's provenance entries for the ONNX metadata_props. */
    static final String ONNX_METADATA_PREFIX = "model-metadata-";

    private TribuoQuantizer() {
    }

    public static <T extends Output<T>> ONNXExternalModel<T> quantize(ONNXExternalModel<T> model, Setting setting,
                                                                      QuantizedArtifacts.Form form) {
        ModelProto serialized = model.serialize();
        ONNXExternalModelProto onnx = unpack(serialized);
        byte[] sourceBytes = onnx.getModelArray().toByteArray();
        OnnxModel source = OnnxModel.fromBytes(sourceBytes, "Tribuo model '" + model.getName() + "'");
        ModelLayers layers = ApplyStep.layersToQuantize(PreparedModels.prepare(source).model(), setting.grouping());
        setting.validate(layers);
        OnnxMl.ModelProto quantized = ApplyStep.quantize(layers, setting).model(form);
        byte[] quantizedBytes = quantized.toByteArray();
        Map<String, String> schemes = new LinkedHashMap<>();
        for (Group group : layers.groups()) {
            schemes.put(group.name(), setting.schemeOf(group).id());
        }
        QuantizationProvenance record = new QuantizationProvenance(Digests.canonicalJson(setting),
                Digests.ofCanonicalJson(setting), schemes, Digests.of(sourceBytes), Digests.of(quantizedBytes),
                form.id(), ToolVersion.get(), ApplyStep.ALGORITHM_VERSION);
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
        instance.putAll(record.entries());
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
}
