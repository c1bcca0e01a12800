package io.qsvit.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil.HashType;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What qsvit records about a quantization in a Tribuo model's instance provenance, the map of facts about one
 * model instance in which ONNXExternalModel already records the ONNX input name and metadata. Only plain OLCUT
 * provenance types are used, so the fields survive Tribuo's protobuf serialization and read back anywhere.
 *
 * @param setting           the setting as canonical JSON
 * @param settingSha256     its digest: the setting digest {@code apply} records as an input
 * @param schemes           every group of the model -> the scheme it was quantized with, sorted by group
 * @param sourceModelSha256 digest of the ONNX bytes quantized (for a model read from a file, the file's digest)
 * @param modelSha256       digest of the quantized ONNX bytes, equal to apply's {@code <form>/model.onnx}
 * @param form              {@code real} (integer codes + DequantizeLinear) or {@code simulated} (fake-quantized floats)
 * @param toolVersion       the qsvit version that quantized
 * @param applyAlgorithm    the version of apply's algorithm (QSViT Algorithm 4) that quantized
 */
public record QuantizationProvenance(String setting, String settingSha256, Map<String, String> schemes,
                                     String sourceModelSha256, String modelSha256, String form, String toolVersion,
                                     int applyAlgorithm) {
    public static final String SETTING = "qsvit-setting";
    public static final String SETTING_SHA256 = "qsvit-setting-sha256";
    public static final String SCHEMES = "qsvit-schemes";
    public static final String SOURCE_MODEL_SHA256 = "qsvit-source-model-sha256";
    public static final String MODEL_SHA256 = "qsvit-model-sha256";
    public static final String FORM = "qsvit-form";
    public static final String TOOL_VERSION = "qsvit-version";
    public static final String APPLY_ALGORITHM = "qsvit-apply-algorithm";

    public QuantizationProvenance {
        schemes = Collections.unmodifiableMap(new TreeMap<>(schemes)); // one order, before and after serialization
    }

    /** The entries to add to a model's instance provenance. */
    public Map<String, Provenance> entries() {
        Map<String, StringProvenance> groups = new LinkedHashMap<>();
        schemes.forEach((group, scheme) -> groups.put(group, new StringProvenance(group, scheme)));
        Map<String, Provenance> entries = new LinkedHashMap<>();
        entries.put(SETTING, new StringProvenance(SETTING, setting));
        entries.put(SETTING_SHA256, new HashProvenance(HashType.SHA256, SETTING_SHA256, settingSha256));
        entries.put(SCHEMES, new MapProvenance<>(groups));
        entries.put(SOURCE_MODEL_SHA256, new HashProvenance(HashType.SHA256, SOURCE_MODEL_SHA256, sourceModelSha256));
        entries.put(MODEL_SHA256, new HashProvenance(HashType.SHA256, MODEL_SHA256, modelSha256));
        entries.put(FORM, new StringProvenance(FORM, form));
        entries.put(TOOL_VERSION, new StringProvenance(TOOL_VERSION, toolVersion));
        entries.put(APPLY_ALGORITHM, new IntProvenance(APPLY_ALGORITHM, applyAlgorithm));
        return entries;
    }

    /** The quantization recorded in a model's provenance; empty for a model qsvit did not quantize. */
    public static Optional<QuantizationProvenance> of(ModelProvenance provenance) {
        Map<String, ? extends Provenance> instance = provenance.getInstanceProvenance().getMap();
        if (!instance.containsKey(SETTING)) {
            return Optional.empty();
        }
        Map<String, String> schemes = new LinkedHashMap<>();
        ((MapProvenance<?>) instance.get(SCHEMES)).getMap().forEach((group, scheme) ->
                schemes.put(group, ((StringProvenance) scheme).getValue()));
        return Optional.of(new QuantizationProvenance(text(instance, SETTING), hash(instance, SETTING_SHA256), schemes,
                hash(instance, SOURCE_MODEL_SHA256), hash(instance, MODEL_SHA256), text(instance, FORM),
                text(instance, TOOL_VERSION), ((IntProvenance) instance.get(APPLY_ALGORITHM)).getValue()));
    }

    private static String text(Map<String, ? extends Provenance> instance, String key) {
        return ((StringProvenance) instance.get(key)).getValue();
    }

    private static String hash(Map<String, ? extends Provenance> instance, String key) {
        return ((HashProvenance) instance.get(key)).getValue();
    }
}
