package io.qsvit.api;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil.HashType;
import com.oracle.labs.mlrg.olcut.provenance.impl.SkeletalConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import org.tribuo.provenance.ConfiguredDataSourceProvenance;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Provenance of an {@link ImageDataSource} or an {@link EventDataSource}: its configuration (path, format as
 * found, split, sample shape, libsvm index base, preprocessing or event frames) and, per instance, the SHA-256 of the data's content (the digest qsvit's steps record
 * for their data: file, or every file of a folder), the number of examples and, as Tribuo's sources do, when
 * the source was read. Rebuilt from its map when Tribuo deserializes a dataset or model that carries it.
 */
public final class ImageDataSourceProvenance extends SkeletalConfiguredObjectProvenance
        implements ConfiguredDataSourceProvenance {
    private static final long serialVersionUID = 1L;

    /** Instance value: the number of examples read. */
    public static final String EXAMPLES = "examples";

    /** SHA-256 of the data's content. */
    private final HashProvenance contentSha256;
    /** Examples read. */
    private final IntProvenance examples;
    /** When the source was read. */
    private final DateTimeProvenance creationTime;

    ImageDataSourceProvenance(ImageDataSource host, String contentSha256, int examples) {
        super(host, "DataSource");
        this.contentSha256 = new HashProvenance(HashType.SHA256, RESOURCE_HASH, contentSha256);
        this.examples = new IntProvenance(EXAMPLES, examples);
        this.creationTime = new DateTimeProvenance(DATASOURCE_CREATION_TIME, OffsetDateTime.now());
    }

    ImageDataSourceProvenance(EventDataSource host, String contentSha256, int examples) {
        super(host, "DataSource");
        this.contentSha256 = new HashProvenance(HashType.SHA256, RESOURCE_HASH, contentSha256);
        this.examples = new IntProvenance(EXAMPLES, examples);
        this.creationTime = new DateTimeProvenance(DATASOURCE_CREATION_TIME, OffsetDateTime.now());
    }

    /**
     * For Tribuo's deserialization.
     *
     * @param map the provenance's fields
     */
    public ImageDataSourceProvenance(Map<String, Provenance> map) {
        this(extract(map));
    }

    private ImageDataSourceProvenance(ExtractedInfo info) {
        super(info);
        this.contentSha256 = (HashProvenance) info.instanceValues.get(RESOURCE_HASH);
        this.examples = (IntProvenance) info.instanceValues.get(EXAMPLES);
        this.creationTime = (DateTimeProvenance) info.instanceValues.get(DATASOURCE_CREATION_TIME);
    }

    private static ExtractedInfo extract(Map<String, Provenance> map) {
        Map<String, Provenance> configured = new HashMap<>(map);
        String owner = ImageDataSourceProvenance.class.getSimpleName();
        String className = ObjectProvenance.checkAndExtractProvenance(configured, CLASS_NAME, StringProvenance.class, owner).getValue();
        String hostName = ObjectProvenance.checkAndExtractProvenance(configured, HOST_SHORT_NAME, StringProvenance.class, owner).getValue();
        Map<String, PrimitiveProvenance<?>> instance = new HashMap<>();
        instance.put(RESOURCE_HASH, ObjectProvenance.checkAndExtractProvenance(configured, RESOURCE_HASH, HashProvenance.class, owner));
        instance.put(EXAMPLES, ObjectProvenance.checkAndExtractProvenance(configured, EXAMPLES, IntProvenance.class, owner));
        instance.put(DATASOURCE_CREATION_TIME, ObjectProvenance.checkAndExtractProvenance(configured, DATASOURCE_CREATION_TIME, DateTimeProvenance.class, owner));
        return new ExtractedInfo(className, hostName, configured, instance);
    }

    /**
     * SHA-256 of the data's content: the digest qsvit's steps record for the same data.
     *
     * @return hex digest
     */
    public String contentSha256() {
        return contentSha256.getValue();
    }

    /**
     * The number of examples (images) read.
     *
     * @return examples
     */
    public int examples() {
        return examples.getValue();
    }

    @Override
    public Map<String, PrimitiveProvenance<?>> getInstanceValues() {
        Map<String, PrimitiveProvenance<?>> values = super.getInstanceValues();
        values.put(RESOURCE_HASH, contentSha256);
        values.put(EXAMPLES, examples);
        values.put(DATASOURCE_CREATION_TIME, creationTime);
        return values;
    }
}
