package io.qsvit.model;

import java.util.List;

/**
 * One quantizable weight tensor: the constant weight input of a Conv, ConvTranspose, Gemm or MatMul node.
 *
 * @param index       position among the model's layers, in graph node order (stable for a given file)
 * @param path        hierarchical module path, e.g. {@code stage3.block1.attn.q.conv}
 * @param pathSource  where the path came from, most trusted first
 * @param tensorName  the initializer (or Constant node output, or decode chain output) holding the weight
 * @param fromConstant true when a Constant node, not an initializer, holds the float weight
 * @param nodeName    the consuming node
 * @param opType      the consuming node's operator
 * @param weightInput which input of the consumer the weight feeds (1 for x @ W, 0 for W @ x)
 * @param dataInput   the consumer's activation input (the operand that is not the weight)
 * @param output      the consumer's output
 * @param dims        shape of the stored tensor
 * @param channelAxis output-channel axis of the stored tensor, or -1 when it cannot be known (e.g. behind a Reshape)
 * @param via         operators between the stored tensor and the consumer (Transpose, Identity, Cast, Reshape)
 * @param encoding    how a real artifact stores the weight as integer codes, or null when it holds float32 values
 * @param kind        what the layer does, and how that was found ({@link LayerKinds}); null until kinds are inferred
 */
public record Layer(int index, String path, PathSource pathSource, String tensorName, boolean fromConstant,
                    String nodeName, String opType, int weightInput, String dataInput, String output, int[] dims, int channelAxis, List<String> via,
                    WeightEncoding encoding, Kind kind) {

    /** A weight past a Java array (2^31 - 1 elements) is the model's error: no quantizer can hold it. */
    public Layer {
        long elements = 1;
        for (int d : dims) {
            elements *= d; // elements and d both below 2^31 here: the product cannot overflow
            if (d < 0 || elements > Integer.MAX_VALUE) {
                throw new io.qsvit.UserInputException("weight '" + tensorName + "' has shape "
                        + java.util.Arrays.toString(dims) + (d < 0 ? ", a negative dimension" : ", more than " + Integer.MAX_VALUE + " elements"));
            }
        }
    }

    public enum PathSource { NODE_METADATA, NODE_NAME, INITIALIZER_NAME, FALLBACK }

    /** Where a kind came from: the graph's structure, the layer's name (a hint), its operator, or a user rule. */
    public enum KindSource {
        STRUCTURE, NAME, OPERATOR, RULE;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A layer's kind with its source and, for a kind read from the structure, the evidence
     * ("stride 2", "operand of MatMul 'x'").
     */
    public record Kind(GroupKind kind, KindSource source, String evidence) {
    }

    public long params() {
        return TensorShapes.elements(dims);
    }

    /** True when the weight is decoded from integer codes (a real artifact), false when stored as floats. */
    public boolean encoded() {
        return encoding != null;
    }

    Layer withPath(String newPath) {
        return new Layer(index, newPath, pathSource, tensorName, fromConstant, nodeName, opType, weightInput, dataInput,
                output, dims, channelAxis, via, encoding, kind);
    }

    Layer withKind(Kind newKind) {
        return new Layer(index, path, pathSource, tensorName, fromConstant, nodeName, opType, weightInput, dataInput,
                output, dims, channelAxis, via, encoding, newKind);
    }

}
