package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one quantized layer puts into a real artifact: tensors (the codes first, which take the float weight's
 * place), decode nodes that read only constants (placed at the graph's start), and, for run-time forms that
 * change the layer's operator, the nodes that replace a node of the float graph (keyed by its output).
 */
final class LayerDecode {
    final List<TensorProto> tensors = new ArrayList<>();
    final List<NodeProto> nodes = new ArrayList<>();
    final Map<String, List<NodeProto>> replacements = new LinkedHashMap<>();
    final RuntimeForm form;

    LayerDecode(RuntimeForm form) {
        this.form = form;
    }
}
