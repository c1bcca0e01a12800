package io.qsvit.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.ArrayList;
import java.util.List;

/**
 * An integer kernel that stands in a real artifact where the float model has a Conv or MatMul on spikes:
 * <pre>
 *   Conv:   y = [Add(., Reshape(bias))] Mul(Cast_float(ConvInteger(Cast_uint8(x), Cast_uint8(K + 128), , 128)), scale)
 *   MatMul: y = Mul(Cast_float(MatMulInteger(Cast_uint8(x), [Transpose] Cast_int8(K))), scale)
 * </pre>
 * where K (int32, named like the float weight) is the weight's integer levels. Spikes are exactly 0 or 1, so the
 * uint8 input loses nothing and the int32 sums are exact; the one float multiply by the per-channel scale then
 * gives what the float operator computes on the dequantized weights, up to float rounding of the sum.
 *
 * @param op        the float operator it stands for: "Conv" or "MatMul"
 * @param kernel    the ConvInteger or MatMulInteger node (named like the float node, Conv attributes kept)
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
