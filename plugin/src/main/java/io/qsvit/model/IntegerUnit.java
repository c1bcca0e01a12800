package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.List;

/**
 * A unit that stands in a real artifact where the float model has a Conv or MatMul on spikes, computing it as the
 * weight's integer levels through the operator, then the scale:
 * <pre>
 *   integer Conv:   y = [Add(., Reshape(bias))] Mul(Cast_float(ConvInteger(Cast_uint8(x), Cast_uint8(K + 128), , 128)), scale)
 *   integer MatMul: y = Mul(Cast_float(MatMulInteger(Cast_uint8(x), [Transpose] Cast_int8(K))), scale)
 *   levels Conv:    y = [Add(., Reshape(bias))] Mul(Conv(x, Cast_float(K)), scale)
 *   levels MatMul:  y = Mul(MatMul(x, [Transpose] Cast_float(K)), scale)
 * </pre>
 * where K (int32, named like the float weight) is the weight's integer levels. Spikes are exactly 0 or 1, so the
 * uint8 input loses nothing and the sums are exact integers (int32, or float32 below 2^24); the one float multiply
 * by the per-channel scale then gives what the simulated model computes, which splits the layer the same way.
 *
 * @param op        the float operator it stands for: "Conv" or "MatMul"
 * @param kernel    the ConvInteger or MatMulInteger node, or the float Conv or MatMul on float levels (named like
 *                  the float node, Conv attributes kept)
 * @param input     the float spike tensor x
 * @param output    the float result y, under the float operator's output name
 * @param weight    K, the integer weight value, named like the float weight
 * @param bias      the Conv bias initializer, or ""
 * @param transpose the Transpose between K and a MatMul (as in the float model), or null
 * @param outputs   every value the unit's nodes produce, y included (not K's decode)
 */
public record IntegerUnit(String op, NodeProto kernel, String input, String output, String weight, String bias,
                          NodeProto transpose, List<String> outputs) {

    public IntegerUnit {
        outputs = List.copyOf(outputs);
    }

    /** True for ConvInteger / MatMulInteger (one byte per weight at run time), false for the levels form (float). */
    public boolean integerKernel() {
        return kernel.getOpType().equals("ConvInteger") || kernel.getOpType().equals("MatMulInteger");
    }

    /** The float nodes the unit replaces, as the float model had them; weight {@link #weight} is a float value. */
    List<NodeProto> floatNodes() {
        List<NodeProto> nodes = new ArrayList<>();
        String weightInput = weight;
        if (transpose != null) {
            nodes.add(transpose.toBuilder().setInput(0, weight).build());
            weightInput = transpose.getOutput(0);
        }
        NodeProto.Builder f = NodeProto.newBuilder().setOpType(op).setName(kernel.getName()).addInput(input)
                .addInput(weightInput).addOutput(output).addAllMetadataProps(kernel.getMetadataPropsList());
        if (!bias.isEmpty()) {
            f.addInput(bias);
        }
        for (AttributeProto a : kernel.getAttributeList()) {
            f.addAttribute(a);
        }
        nodes.add(f.build());
        return nodes;
    }
}
