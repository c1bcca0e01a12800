package io.qsvit.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hierarchical module paths for layers. Exporters put them in different places, so we try, in order of trust:
 * <ol>
 *   <li>the consuming node's name, TorchScript style {@code /stage3/block1/attn/q/conv/Conv}
 *       (segments joined by dots, the operator segment dropped, {@code /blocks/blocks.0/} collapsed);</li>
 *   <li>the weight's initializer name, dynamo style {@code blocks.0.attn.q.fc.weight}
 *       (a trailing {@code .weight} dropped; generated names such as {@code onnx::Conv_123} are not paths);</li>
 *   <li>the node's metadata: the last of the {@code pkg.torch.onnx.name_scopes};</li>
 *   <li>a stable fallback {@code layerNNN}, NNN the layer's index in graph node order.</li>
 * </ol>
 */
final class LayerPaths {
    private static final Pattern GENERATED = Pattern.compile(".*::.*|\\d+|_?val_\\d+|node_.*|.*_output_\\d+");
    private static final Pattern WEIGHT_SUFFIX = Pattern.compile("(\\.|_)(weight|weight_orig|kernel|w)$");
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"");
    static final String NAME_SCOPES = "pkg.torch.onnx.name_scopes";

    private LayerPaths() {
    }

    static String path(NodeProto node, String tensorName, int index) {
        String fromNode = fromNodeName(node.getName());
        if (fromNode != null) {
            return fromNode;
        }
        String fromTensor = fromTensorName(tensorName);
        if (fromTensor != null) {
            return fromTensor;
        }
        String fromMetadata = fromMetadata(node);
        return fromMetadata != null ? fromMetadata : String.format("layer%03d", index);
    }

    static Layer.PathSource source(NodeProto node, String tensorName) {
        if (fromNodeName(node.getName()) != null) {
            return Layer.PathSource.NODE_NAME;
        }
        if (fromTensorName(tensorName) != null) {
            return Layer.PathSource.INITIALIZER_NAME;
        }
        return fromMetadata(node) != null ? Layer.PathSource.NODE_METADATA : Layer.PathSource.FALLBACK;
    }

    static String fromNodeName(String name) {
        if (name == null || !name.contains("/")) {
            return null;
        }
        List<String> segments = new ArrayList<>(Arrays.asList(name.split("/")));
        segments.removeIf(String::isEmpty);
        if (segments.size() < 2) {
            return null;
        }
        segments.remove(segments.size() - 1); // the operator, e.g. "Conv" or "MatMul_1"
        String path = "";
        for (String segment : segments) {
            // TorchScript repeats container names: /stage3/stage3.1/... means stage3.1
            path = !path.isEmpty() && segment.startsWith(path + ".") ? segment
                    : path.isEmpty() ? segment : path + "." + segment;
        }
        return path;
    }

    static String fromTensorName(String name) {
        if (name == null || name.isEmpty() || GENERATED.matcher(name).matches()) {
            return null;
        }
        String path = WEIGHT_SUFFIX.matcher(name).replaceFirst("");
        return path.isEmpty() ? null : path;
    }

    static String fromMetadata(NodeProto node) {
        for (StringStringEntryProto entry : node.getMetadataPropsList()) {
            if (entry.getKey().equals(NAME_SCOPES)) {
                List<String> scopes = new ArrayList<>();
                Matcher m = QUOTED.matcher(entry.getValue());
                while (m.find()) {
                    String scope = m.group(1) != null ? m.group(1) : m.group(2);
                    if (!scope.isEmpty()) {
                        scopes.add(scope);
                    }
                }
                if (scopes.isEmpty()) {
                    return null;
                }
                // scopes are either full paths (each extends the previous) or one name per level
                String last = scopes.get(scopes.size() - 1);
                return scopes.size() == 1 || last.startsWith(scopes.get(scopes.size() - 2) + ".")
                        ? last : String.join(".", scopes);
            }
        }
        return null;
    }

    /** Makes paths unique by suffixing repeats with _2, _3, ... in graph order. */
    static List<Layer> unique(List<Layer> layers) {
        Map<String, Integer> seen = new HashMap<>();
        List<Layer> out = new ArrayList<>(layers.size());
        for (Layer l : layers) {
            int n = seen.merge(l.path(), 1, Integer::sum);
            out.add(n == 1 ? l : l.withPath(l.path() + "_" + n));
        }
        return out;
    }
}
