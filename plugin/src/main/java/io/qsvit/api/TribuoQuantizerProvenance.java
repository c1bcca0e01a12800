package io.qsvit.api;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil.HashType;
import com.oracle.labs.mlrg.olcut.provenance.impl.SkeletalConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

import java.util.HashMap;
import java.util.Map;

/**
 * Provenance of a {@link TribuoQuantizer}: its configuration ({@code settingFile} or {@code setting}, and
 * {@code form}), as OLCUT records configured objects, and per instance the setting it read, as canonical JSON
 * and its SHA-256 (a setting file may change after the fact; this is what was applied). OLCUT's
 * {@code ProvenanceUtil.extractConfiguration} turns it back into a configuration that makes the same quantizer.
 */
public final class TribuoQuantizerProvenance extends SkeletalConfiguredObjectProvenance {
    private static final long serialVersionUID = 1L;

    /** Instance value: the setting applied, as canonical JSON. */
    public static final String SETTING_JSON = "setting-json";
    /** Instance value: SHA-256 of that JSON. */
    public static final String SETTING_SHA256 = "setting-sha256";

    /** The setting applied, as canonical JSON. */
    private final StringProvenance settingJson;
    /** Its SHA-256. */
    private final HashProvenance settingSha256;

    TribuoQuantizerProvenance(TribuoQuantizer host, String settingJson, String settingSha256) {
        super(host, "Quantizer");
        this.settingJson = new StringProvenance(SETTING_JSON, settingJson);
        this.settingSha256 = new HashProvenance(HashType.SHA256, SETTING_SHA256, settingSha256);
    }

    /**
     * For OLCUT's and Tribuo's deserialization.
     *
     * @param map the provenance's fields
     */
    public TribuoQuantizerProvenance(Map<String, Provenance> map) {
        this(extract(map));
    }

    private TribuoQuantizerProvenance(ExtractedInfo info) {
        super(info);
        this.settingJson = (StringProvenance) info.instanceValues.get(SETTING_JSON);
        this.settingSha256 = (HashProvenance) info.instanceValues.get(SETTING_SHA256);
    }

    private static ExtractedInfo extract(Map<String, Provenance> map) {
        Map<String, Provenance> configured = new HashMap<>(map);
        String owner = TribuoQuantizerProvenance.class.getSimpleName();
        String className = ObjectProvenance.checkAndExtractProvenance(configured, CLASS_NAME, StringProvenance.class, owner).getValue();
        String hostName = ObjectProvenance.checkAndExtractProvenance(configured, HOST_SHORT_NAME, StringProvenance.class, owner).getValue();
        Map<String, PrimitiveProvenance<?>> instance = new HashMap<>();
        instance.put(SETTING_JSON, ObjectProvenance.checkAndExtractProvenance(configured, SETTING_JSON, StringProvenance.class, owner));
        instance.put(SETTING_SHA256, ObjectProvenance.checkAndExtractProvenance(configured, SETTING_SHA256, HashProvenance.class, owner));
        return new ExtractedInfo(className, hostName, configured, instance);
    }

    /**
     * The setting applied.
     *
     * @return canonical JSON
     */
    public String settingJson() {
        return settingJson.getValue();
    }

    /**
     * SHA-256 of {@link #settingJson()}.
     *
     * @return hex digest
     */
    public String settingSha256() {
        return settingSha256.getValue();
    }

    @Override
    public Map<String, PrimitiveProvenance<?>> getInstanceValues() {
        Map<String, PrimitiveProvenance<?>> values = super.getInstanceValues();
        values.put(SETTING_JSON, settingJson);
        values.put(SETTING_SHA256, settingSha256);
        return values;
    }
}
