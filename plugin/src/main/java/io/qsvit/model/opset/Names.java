package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.HashSet;
import java.util.Set;

/**
 * Every value and node name in use anywhere in the model (graphs, subgraphs, functions), so the values and
 * nodes the converter adds get fresh names: a hint, then a counter only where the hint is taken. The same
 * model always gets the same names.
 */
final class Names {
    private final Set<String> used = new HashSet<>();

    static Names of(ModelProto model) {
        Names names = new Names();
        names.collect(model.getGraph());
        for (FunctionProto f : model.getFunctionsList()) {
            names.used.addAll(f.getInputList());
            names.used.addAll(f.getOutputList());
            f.getNodeList().forEach(names::collect);
        }
        return names;
    }

    private void collect(GraphProto graph) {
        graph.getInputList().forEach(v -> used.add(v.getName()));
        graph.getOutputList().forEach(v -> used.add(v.getName()));
        graph.getValueInfoList().forEach(v -> used.add(v.getName()));
        graph.getInitializerList().forEach(t -> used.add(t.getName()));
        graph.getNodeList().forEach(this::collect);
    }

    private void collect(NodeProto node) {
        used.add(node.getName());
        used.addAll(node.getInputList());
        used.addAll(node.getOutputList());
        for (AttributeProto a : node.getAttributeList()) {
            if (a.hasG()) {
                collect(a.getG());
            }
            a.getGraphsList().forEach(this::collect);
        }
    }

    String fresh(String hint) {
        String name = hint;
        for (int k = 1; !used.add(name); k++) {
            name = hint + "_" + k;
        }
        return name;
    }
}
