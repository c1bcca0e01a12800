package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Carries one node across the op-set step at which its operator changed: it emits, through the rewrite, the
 * nodes that compute the same values under the new op-set (usually the node itself, changed), or refuses.
 */
@FunctionalInterface
interface NodeAdapter {
    void adapt(NodeProto node, Rewrite rewrite);
}
