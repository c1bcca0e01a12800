package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.List;

/** Trimming a node's input and output lists (protobuf builders of repeated strings cannot remove one). */
final class Ports {
    private Ports() {
    }

    static NodeProto.Builder keepInputs(NodeProto.Builder node, int count) {
        List<String> kept = new ArrayList<>(node.getInputList().subList(0, Math.min(count, node.getInputCount())));
        return node.clearInput().addAllInput(kept);
    }

    static NodeProto.Builder keepOutputs(NodeProto.Builder node, int count) {
        List<String> kept = new ArrayList<>(node.getOutputList().subList(0, Math.min(count, node.getOutputCount())));
        return node.clearOutput().addAllOutput(kept);
    }
}
