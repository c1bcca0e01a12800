package io.qsvit.model;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hierarchical module paths for layers ({@code blocks.0.attn.q.fc}). Exporters put them in different places;
 * the first that gives one wins:
 * <ol>
 *   <li>the consuming node's metadata, as PyTorch's dynamo exporter writes it: {@code pkg.torch.onnx.name_scopes}
 *       is the Python repr of a list {@code ['', 'blocks.0', 'blocks.0.attn', ..., 'blocks.0.attn.q.fc', 'linear_12']}
 *       (the root, every enclosing module's qualified name, the FX node's own name); the path is the innermost
 *       module, {@code blocks.0.attn.q.fc}. A list whose entries are single names is joined instead;</li>
 *   <li>the consuming node's name, TorchScript style {@code /stage3/block1/attn/q/conv/Conv} or TensorFlow style
 *       {@code model/block1/conv2d/Conv2D}: segments joined by dots, the last one (the operator) dropped,
 *       a segment that extends the path so far replacing it ({@code /blocks/blocks.0/} reads {@code blocks.0});</li>
 *   <li>the weight's name, {@code blocks.0.attn.q.fc.weight} (a trailing {@code .weight}, {@code .kernel}, ...
 *       dropped) or {@code model/dense/MatMul/ReadVariableOp:0} (operator and variable segments dropped);
 *       generated names ({@code onnx::Conv_123}, {@code val_12}, numbers) are not paths;</li>
 *   <li>{@code layerNNN}, NNN the layer's index in graph node order (ONNX keeps nodes in topological order), for
 *       graphs with none of these.</li>
 * </ol>
 * Then, over all layers: leading segments every path shares (the model's own name, such as Keras's
 * {@code model}) are dropped, and two layers with the same path take their weights' paths where those tell them
 * apart, else {@code _2}, {@code _3} in graph order.
 */
final class LayerPaths {
    static final String NAME_SCOPES = "pkg.torch.onnx.name_scopes";
    private static final Pattern GENERATED = Pattern.compile(".*::.*|\\d+|_?val_\\d+|node_.*|.*_output_\\d+|const_fold_opt_.*");
    private static final Pattern WEIGHT_SUFFIX = Pattern.compile("(\\.|_)(weight|weight_orig|kernel|w)$");
    /** Segments of a TensorFlow tensor name that name the variable or its read, not the layer. */
    private static final Pattern VARIABLE_SEGMENT = Pattern.compile("ReadVariableOp|Read|read|kernel|weights?|bias|w|b");
    /** An operator name, with the exporter's counter: Conv, MatMul_1, Conv2D, BiasAdd, FusedBatchNormV3. */
    private static final Pattern OPERATOR = Pattern.compile("[A-Z][A-Za-z0-9]*(_\\d+)?");

    private LayerPaths() {
    }

    static String path(NodeProto node, String tensorName, int index) {
        String fromMetadata = fromMetadata(node);
        if (fromMetadata != null) {
            return fromMetadata;
        }
        String fromNode = fromNodeName(node.getName());
        if (fromNode != null) {
            return fromNode;
        }
        String fromTensor = fromTensorName(tensorName);
        return fromTensor != null ? fromTensor : String.format("layer%03d", index);
    }

    static Layer.PathSource source(NodeProto node, String tensorName) {
        if (fromMetadata(node) != null) {
            return Layer.PathSource.NODE_METADATA;
        }
        if (fromNodeName(node.getName()) != null) {
            return Layer.PathSource.NODE_NAME;
        }
        return fromTensorName(tensorName) != null ? Layer.PathSource.INITIALIZER_NAME : Layer.PathSource.FALLBACK;
    }

    static String fromNodeName(String name) {
        if (name == null || !name.contains("/")) {
            return null;
        }
        List<String> segments = segments(name);
        if (segments.size() < 2) {
            return null;
        }
        segments.remove(segments.size() - 1); // the node itself: its operator, e.g. "Conv", "MatMul_1", "Conv2D"
        return join(segments);
    }

    static String fromTensorName(String name) {
        if (name == null || name.isEmpty() || GENERATED.matcher(name).matches()) {
            return null;
        }
        if (name.contains("/")) {
            List<String> segments = segments(name.replaceFirst(":\\d+$", ""));
            while (!segments.isEmpty() && (VARIABLE_SEGMENT.matcher(last(segments)).matches()
                    || OPERATOR.matcher(last(segments)).matches())) {
                segments.remove(segments.size() - 1);
            }
            return segments.isEmpty() ? null : join(segments);
        }
        String path = WEIGHT_SUFFIX.matcher(name).replaceFirst("");
        return path.isEmpty() ? null : path;
    }

    static String fromMetadata(NodeProto node) {
        for (StringStringEntryProto entry : node.getMetadataPropsList()) {
            if (entry.getKey().equals(NAME_SCOPES)) {
                List<String> scopes = PythonStrings.list(entry.getValue());
                if (scopes == null || scopes.isEmpty()) {
                    return null;
                }
                if (scopes.get(0).isEmpty()) {
                    // the dynamo exporter's form: root, enclosing modules, the FX node's own name (an op and counter)
                    scopes = scopes.subList(1, scopes.size() - 1);
                }
                List<String> modules = scopes.stream().filter(s -> !s.isEmpty()).toList();
                return modules.isEmpty() ? null : join(modules);
            }
        }
        return null;
    }

    /** Segments of a slash-separated name, empty ones dropped. */
    private static List<String> segments(String name) {
        List<String> segments = new ArrayList<>(Arrays.asList(name.split("/")));
        segments.removeIf(String::isEmpty);
        return segments;
    }

    private static String last(List<String> segments) {
        return segments.get(segments.size() - 1);
    }

    /**
     * Joins module names with dots; a name that already extends the path so far (a qualified name, as TorchScript
     * repeats containers and dynamo lists every enclosing module in full) replaces it instead of repeating it.
     */
    static String join(List<String> segments) {
        String path = "";
        for (String segment : segments) {
            path = path.isEmpty() || segment.startsWith(path + ".") ? segment : path + "." + segment;
        }
        return path;
    }

    /** The last step over all layers: shared leading segments dropped, repeated paths told apart. */
    static List<Layer> tidy(List<Layer> layers) {
        return unique(withoutCommonPrefix(layers));
    }

    /** Drops leading segments every layer's path has (keeping at least one segment of each). */
    static List<Layer> withoutCommonPrefix(List<Layer> layers) {
        if (layers.size() < 2) {
            return layers;
        }
        String[] common = layers.get(0).path().split("\\.");
        int shared = common.length;
        for (Layer l : layers) {
            String[] parts = l.path().split("\\.");
            int i = 0;
            while (i < shared && i < parts.length - 1 && parts[i].equals(common[i])) {
                i++;
            }
            shared = i;
        }
        if (shared == 0) {
            return layers;
        }
        String prefix = String.join(".", Arrays.copyOf(common, shared)) + ".";
        return layers.stream().map(l -> l.withPath(l.path().substring(prefix.length()))).toList();
    }

    /**
     * Makes paths unique: layers sharing a path take their weights' paths when those are distinct and extend it
     * (a module with two weight parameters of its own), else repeats get _2, _3, ... in graph order.
     */
    static List<Layer> unique(List<Layer> layers) {
        Map<String, List<Layer>> byPath = new HashMap<>();
        layers.forEach(l -> byPath.computeIfAbsent(l.path(), k -> new ArrayList<>()).add(l));
        Map<String, Integer> seen = new HashMap<>();
        List<Layer> out = new ArrayList<>(layers.size());
        for (Layer l : layers) {
            List<Layer> same = byPath.get(l.path());
            String refined = same.size() > 1 ? refinedByWeight(l, same) : null;
            if (refined != null) {
                out.add(l.withPath(refined));
                continue;
            }
            int n = seen.merge(l.path(), 1, Integer::sum);
            out.add(n == 1 ? l : l.withPath(l.path() + "_" + n));
        }
        return out;
    }

    /** The weight's own path where every layer of the group has one that extends the shared path, all distinct. */
    private static String refinedByWeight(Layer layer, List<Layer> same) {
        List<String> paths = new ArrayList<>();
        for (Layer l : same) {
            String p = fromTensorName(l.tensorName());
            String suffix = p == null ? null : tail(p, l.path());
            if (suffix == null || paths.contains(suffix)) {
                return null;
            }
            paths.add(suffix);
        }
        return layer.path() + "." + tail(fromTensorName(layer.tensorName()), layer.path());
    }

    /** What a weight's path adds after the module path (its last segment when it does not extend it). */
    private static String tail(String weightPath, String modulePath) {
        if (weightPath.startsWith(modulePath + ".")) {
            return weightPath.substring(modulePath.length() + 1);
        }
        String[] parts = weightPath.split("\\.");
        return parts[parts.length - 1];
    }
}
