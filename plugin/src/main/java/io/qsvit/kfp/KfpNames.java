package io.qsvit.kfp;

/**
 * The names Kubeflow's SDK gives a component's parts (kfp/dsl/utils.py): a component named N is filed as
 * {@code comp-}N' with executor {@code exec-}N', N' being N made Kubernetes-safe. The SDK's loader finds a
 * component file's container by {@code exec-} + the sanitized {@code pipelineInfo.name}; a file whose executor
 * is named otherwise loads as a pipeline of one task (a graph), on which resource setters fail.
 */
public final class KfpNames {
    static final String COMPONENT_PREFIX = "comp-";
    static final String EXECUTOR_PREFIX = "exec-";

    private KfpNames() {
    }

    /** As {@code maybe_rename_for_k8s}: lower case, runs of other characters to one '-', no '-' at either end. */
    public static String forK8s(String name) {
        String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^-0-9a-z]+", "-").replaceAll("-+", "-");
        return s.replaceAll("^-+", "").replaceAll("-+$", "");
    }

    public static String componentKey(String componentName) {
        return COMPONENT_PREFIX + forK8s(componentName);
    }

    public static String executorLabel(String componentName) {
        return EXECUTOR_PREFIX + forK8s(componentName);
    }
}
