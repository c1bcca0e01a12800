package io.qsvit.kfp;

/** The Kubeflow system artifact types qsvit components use (schema titles as the KFP UI and MLMD know them). */
public enum ArtifactType {
    MODEL("system.Model"),
    DATASET("system.Dataset"),
    ARTIFACT("system.Artifact"),
    METRICS("system.Metrics"),
    CLASSIFICATION_METRICS("system.ClassificationMetrics"),
    MARKDOWN("system.Markdown"),
    HTML("system.HTML");

    /** The version every system type has in KFP's own compiled specs. */
    public static final String SCHEMA_VERSION = "0.0.1";

    private final String schemaTitle;

    ArtifactType(String schemaTitle) {
        this.schemaTitle = schemaTitle;
    }

    public String schemaTitle() {
        return schemaTitle;
    }
}
