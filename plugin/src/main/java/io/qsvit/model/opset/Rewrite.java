package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.UserInputException;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an adapter may do while carrying one node across one op-set step: look up facts about values, add
 * constants and nodes (emitted in order, in place of the node), and refuse. Constants become Constant nodes,
 * valid in the main graph, in If/Loop/Scan bodies and in functions alike.
 */
final class Rewrite {
    private final int version;
    private final ValueFacts facts;
    private final Names names;
    private final List<NodeProto> out;
    private NodeProto current;

    Rewrite(int version, ValueFacts facts, Names names, List<NodeProto> out) {
        this.version = version;
        this.facts = facts;
        this.names = names;
        this.out = out;
    }

    void start(NodeProto node) {
        current = node;
    }

    /** The op-set this step reaches; the node being carried is at op-set {@code version() - 1}. */
    int version() {
        return version;
    }

    OptionalInt elementType(String value) {
        return facts.elementType(value);
    }

    OptionalInt rank(String value) {
        return facts.rank(value);
    }

    boolean isUsed(String value) {
        return facts.isUsed(value);
    }

    Optional<TensorProto> constant(String value) {
        return value.isEmpty() ? Optional.empty() : facts.constant(value);
    }

    void emit(NodeProto node) {
        out.add(node);
    }

    void emit(NodeProto.Builder node) {
        out.add(node.build());
    }

    /** A fresh value name derived from the node being carried. */
    String fresh(String what) {
        return names.fresh(base() + "/opset" + version + "/" + what);
    }

    /** A new node of the default domain, named after the node being carried. */
    NodeProto.Builder node(String op) {
        return NodeProto.newBuilder().setOpType(op).setName(names.fresh(base() + "/opset" + version + "/" + op));
    }

    /** Adds a Constant node holding {@code value}; returns the name of its output. */
    String constant(String what, TensorProto value) {
        String name = fresh(what);
        emit(node("Constant").addOutput(name).addAttribute(AttributeProto.newBuilder().setName("value")
                .setType(AttributeType.TENSOR).setT(value)));
        return name;
    }

    String int64s(String what, long... values) {
        return constant(what, Tensors.int64s(values));
    }

    String floats(String what, float... values) {
        return constant(what, Tensors.floats(values));
    }

    /** Refuses the node being carried, in one line naming its operator, op-set and why. */
    UserInputException refuse(String why) {
        return new UserInputException(describe(current, version) + " cannot be raised to op-set " + version + ": " + why);
    }

    static String describe(NodeProto node, int version) {
        String name = !node.getName().isEmpty() ? "'" + node.getName() + "'"
                : node.getOutputCount() > 0 ? "with output '" + node.getOutput(0) + "'" : "(unnamed)";
        return node.getOpType() + " at op-set " + (version - 1) + " (node " + name + ")";
    }

    private String base() {
        if (!current.getName().isEmpty()) {
            return current.getName();
        }
        return current.getOutputCount() > 0 && !current.getOutput(0).isEmpty() ? current.getOutput(0) : current.getOpType();
    }
}
