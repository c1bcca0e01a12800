package io.qsvit.kfp;

import java.util.regex.Pattern;

/**
 * The placeholders Kubeflow's launcher replaces in a container's command and args (launcher_v2.go,
 * getPlaceholders): the executor input as JSON, artifact paths and URIs, input parameter values and output
 * parameter files. Nothing else is replaced there, so qsvit specs use nothing else.
 */
public final class Placeholders {
    public static final String EXECUTOR_INPUT = "{{$}}";
    /** Any {@code {{$...}}} placeholder; group 1 is what follows the dollar. */
    static final Pattern ANY = Pattern.compile("\\{\\{\\$(.*?)}}");
    /** The placeholders with a name: group 1 the kind, group 2 the name, group 3 the suffix. */
    static final Pattern NAMED = Pattern.compile(
            "\\{\\{\\$\\.(inputs\\.artifacts|outputs\\.artifacts|inputs\\.parameters|outputs\\.parameters)\\['([^']+)'](.*?)}}");

    private Placeholders() {
    }

    public static String inputArtifactPath(String name) {
        return "{{$.inputs.artifacts['" + name + "'].path}}";
    }

    public static String outputArtifactPath(String name) {
        return "{{$.outputs.artifacts['" + name + "'].path}}";
    }

    public static String inputParameter(String name) {
        return "{{$.inputs.parameters['" + name + "']}}";
    }

    public static String outputParameterFile(String name) {
        return "{{$.outputs.parameters['" + name + "'].output_file}}";
    }

    /** True when a text still holds a placeholder: the launcher had no value for it (an optional input left unbound). */
    public static boolean unresolved(String text) {
        return ANY.matcher(text).find();
    }
}
