package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** A node's scalar attributes, with the default the operator's specification gives when one is absent. */
public final class NodeAttributes {
    private NodeAttributes() {
    }

    /** The integer attribute {@code name}, or {@code fallback} when the node has none (or there is no node). */
    public static long integer(NodeProto node, String name, long fallback) {
        if (node == null) {
            return fallback;
        }
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }

    /** The float attribute {@code name}, or {@code fallback} when the node has none. */
    public static float real(NodeProto node, String name, float fallback) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return fallback;
    }
}
