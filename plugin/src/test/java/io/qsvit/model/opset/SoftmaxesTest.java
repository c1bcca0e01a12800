package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qsvit.model.opset.OldModels.floats;
import static io.qsvit.model.opset.OldModels.i;
import static io.qsvit.model.opset.OldModels.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Softmax, LogSoftmax and Hardmax of op-sets 11 and 12 (normalizing the input coerced to 2-D at the axis)
 * upgraded to 13 and later (normalizing along one axis) compute what the originals do, for every rank and
 * axis, with the input's rank declared or unknown to the converter.
 */
class SoftmaxesTest {
    private static final String[] OPS = {"Softmax", "LogSoftmax", "Hardmax"};

    @Property(tries = 60)
    void everyRankAndAxis(@ForAll @IntRange(min = 1, max = 5) int rank, @ForAll @IntRange(min = -5, max = 4) int axis,
                          @ForAll @IntRange(min = 0, max = 2) int op, @ForAll boolean declared,
                          @ForAll @IntRange(min = 11, max = 12) int opset) {
        if (axis < -rank || axis >= rank) {
            return;
        }
        long[] dims = new long[rank];
        for (int k = 0; k < rank; k++) {
            dims[k] = 2 + (k + rank) % 3;
        }
        // an Identity hides the rank from the converter where the input is not declared
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", dims)).addOutput(floats("y", (long[]) null))
                .addNode(node("Relu", new String[] {"x"}, "h"))
                .addNode(node(OPS[op], new String[] {declared ? "x" : "h"}, "y").addAttribute(i("axis", axis))).build();
        Differential.assertSame(OldModels.model(opset, g), List.of(OldModels.randomFloats("x", rank * 7L + axis, dims)));
    }

    @Test
    void defaultAxisIsOneAndTheLastAxisNeedsNoReshape() {
        GraphProto g = GraphProto.newBuilder().addInput(floats("x", 2, 3, 4)).addOutput(floats("y", (long[]) null))
                .addOutput(floats("z", (long[]) null))
                .addNode(node("Softmax", new String[] {"x"}, "y"))
                .addNode(node("LogSoftmax", new String[] {"x"}, "z").addAttribute(i("axis", 2))).build();
        ModelProto old = OldModels.model(12, g);
        ModelProto upgraded = OpsetConverter.upgrade(old, 13);
        assertEquals(List.of("Shape", "Flatten", "Softmax", "Reshape", "LogSoftmax"),
                upgraded.getGraph().getNodeList().stream().map(n -> n.getOpType()).toList());
        assertEquals(-1, Attributes.i(upgraded.getGraph().getNode(4), "axis", 0));
        Differential.assertSame(old, List.of(OldModels.randomFloats("x", 1, 2, 3, 4)));
    }
}
