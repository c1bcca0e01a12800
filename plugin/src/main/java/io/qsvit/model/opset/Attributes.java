package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.Optional;

/** Reading, setting and removing node attributes by name. */
final class Attributes {
    private Attributes() {
    }

    static Optional<AttributeProto> find(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    static boolean has(NodeProto node, String name) {
        return find(node, name).isPresent();
    }

    static long i(NodeProto node, String name, long fallback) {
        return find(node, name).map(AttributeProto::getI).orElse(fallback);
    }

    static float f(NodeProto node, String name, float fallback) {
        return find(node, name).map(AttributeProto::getF).orElse(fallback);
    }

    static String s(NodeProto node, String name, String fallback) {
        return find(node, name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    /** The ints of an attribute, or null when the node has none of that name. */
    static long[] ints(NodeProto node, String name) {
        return find(node, name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
    }

    /** The floats of an attribute, or null when the node has none of that name. */
    static float[] floats(NodeProto node, String name) {
        return find(node, name).map(a -> {
            float[] v = new float[a.getFloatsCount()];
            for (int k = 0; k < v.length; k++) {
                v[k] = a.getFloats(k);
            }
            return v;
        }).orElse(null);
    }

    static NodeProto.Builder remove(NodeProto.Builder node, String... names) {
        for (String name : names) {
            for (int k = node.getAttributeCount() - 1; k >= 0; k--) {
                if (node.getAttribute(k).getName().equals(name)) {
                    node.removeAttribute(k);
                }
            }
        }
        return node;
    }

    static NodeProto.Builder setInt(NodeProto.Builder node, String name, long value) {
        remove(node, name);
        return node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value));
    }

    static NodeProto.Builder setString(NodeProto.Builder node, String name, String value) {
        remove(node, name);
        return node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)));
    }

    static NodeProto.Builder setInts(NodeProto.Builder node, String name, long... values) {
        remove(node, name);
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return node.addAttribute(a);
    }
}
