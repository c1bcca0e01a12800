package io.qsvit.api;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil.HashType;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One quantization as a Tribuo model's provenance records it. A model's instance provenance (the facts about one
 * model instance, where ONNXExternalModel already keeps the ONNX input name and metadata) holds the whole chain
 * under {@value #CHAIN}: every quantization since the float model, oldest first, so a model quantized twice
 * says both. Only plain OLCUT provenance types are used (OLCUT's marshalling takes no configured object inside
 * a list), so the chain survives Tribuo's protobuf serialization and reads back anywhere.
 *
 * @param setting           the setting as canonical JSON
 * @param settingSha256     its digest: the setting digest {@code apply} records as an input
 * @param schemes           every group of the model -> the scheme it was quantized with, sorted by group
 * @param sourceModelSha256 digest of the ONNX bytes quantized (for a model read from a file, the file's digest)
 * @param modelSha256       digest of the quantized ONNX bytes, equal to apply's {@code <form>/model.onnx}
 * @param form              {@code real} (integer codes) or {@code simulated} (fake-quantized floats)
 * @param toolVersion       the qsvit version that quantized
 * @param applyAlgorithm    the version of apply's algorithm (QSViT Algorithm 4) that quantized
 * @param quantizer         the quantizer's configuration: its class name under {@code class-name} and each
 *                          configured field as text ({@link TribuoQuantizerProvenance#getConfiguredParameters()})
 */
public record QuantizationProvenance(String setting, String settingSha256, Map<String, String> schemes,
                                     String sourceModelSha256, String modelSha256, String form, String toolVersion,
                                     int applyAlgorithm, Map<String, String> quantizer) {
    /** The instance provenance key of the chain. */
    public static final String CHAIN = "qsvit-quantizations";
    static final String SETTING = "setting";
    static final String SETTING_SHA256 = "setting-sha256";
    static final String SCHEMES = "schemes";
    static final String SOURCE_MODEL_SHA256 = "source-model-sha256";
    static final String MODEL_SHA256 = "model-sha256";
    static final String FORM = "form";
    static final String TOOL_VERSION = "qsvit-version";
    static final String APPLY_ALGORITHM = "apply-algorithm";
    static final String QUANTIZER = "quantizer";
    static final String CLASS_NAME = "class-name";

    /**
     * Sorts the schemes by group, one order before and after serialization.
     *
     * @param setting           the setting as canonical JSON
     * @param settingSha256     its digest
     * @param schemes           group -> scheme
     * @param sourceModelSha256 digest of the ONNX bytes quantized
     * @param modelSha256       digest of the quantized ONNX bytes
     * @param form              {@code real} or {@code simulated}
     * @param toolVersion       the qsvit version
     * @param applyAlgorithm    apply's algorithm version
     * @param quantizer         the quantizer's configuration
     */
    public QuantizationProvenance {
        schemes = Collections.unmodifiableMap(new TreeMap<>(schemes));
        quantizer = Collections.unmodifiableMap(new TreeMap<>(quantizer));
    }

    /** The configuration a quantizer's provenance records, as text. */
    static Map<String, String> configuration(TribuoQuantizerProvenance provenance) {
        Map<String, String> configuration = new TreeMap<>();
        configuration.put(CLASS_NAME, provenance.getClassName());
        provenance.getConfiguredParameters().forEach((name, value) -> configuration.put(name, value.toString()));
        return configuration;
    }

    /**
     * The latest quantization recorded in a model's provenance.
     *
     * @param provenance a Tribuo model's provenance
     * @return the last of the chain; empty for a model qsvit did not quantize
     */
    public static Optional<QuantizationProvenance> of(ModelProvenance provenance) {
        List<QuantizationProvenance> chain = chainOf(provenance);
        return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(chain.size() - 1));
    }

    /**
     * Every quantization recorded in a model's provenance.
     *
     * @param provenance a Tribuo model's provenance
     * @return oldest first; empty for a model qsvit did not quantize
     */
    public static List<QuantizationProvenance> chainOf(ModelProvenance provenance) {
        Provenance chain = provenance.getInstanceProvenance().getMap().get(CHAIN);
        if (chain == null) {
            return List.of();
        }
        List<QuantizationProvenance> records = new ArrayList<>();
        for (Provenance entry : ((ListProvenance<?>) chain).getList()) {
            records.add(fromMap(((MapProvenance<?>) entry).getMap()));
        }
        return List.copyOf(records);
    }

    static ListProvenance<MapProvenance<Provenance>> toProvenance(List<QuantizationProvenance> chain) {
        List<MapProvenance<Provenance>> entries = new ArrayList<>();
        for (QuantizationProvenance q : chain) {
            entries.add(new MapProvenance<>(q.entries()));
        }
        return new ListProvenance<>(entries);
    }

    private Map<String, Provenance> entries() {
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
        Map<String, StringProvenance> configuration = new LinkedHashMap<>();
        quantizer.forEach((name, value) -> configuration.put(name, new StringProvenance(name, value)));
        entries.put(QUANTIZER, new MapProvenance<>(configuration));
        return entries;
    }

    private static QuantizationProvenance fromMap(Map<String, ? extends Provenance> map) {
        return new QuantizationProvenance(text(map, SETTING), hash(map, SETTING_SHA256), texts(map, SCHEMES),
                hash(map, SOURCE_MODEL_SHA256), hash(map, MODEL_SHA256), text(map, FORM), text(map, TOOL_VERSION),
                ((IntProvenance) map.get(APPLY_ALGORITHM)).getValue(), texts(map, QUANTIZER));
    }

    private static Map<String, String> texts(Map<String, ? extends Provenance> map, String key) {
        Map<String, String> texts = new LinkedHashMap<>();
        ((MapProvenance<?>) map.get(key)).getMap().forEach((name, value) -> texts.put(name, ((StringProvenance) value).getValue()));
        return texts;
    }

    private static String text(Map<String, ? extends Provenance> map, String key) {
        return ((StringProvenance) map.get(key)).getValue();
    }

    private static String hash(Map<String, ? extends Provenance> map, String key) {
        return ((HashProvenance) map.get(key)).getValue();
    }
}
