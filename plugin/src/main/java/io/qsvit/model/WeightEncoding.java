package io.qsvit.model;

import java.util.List;

/**
 * How a real artifact stores one weight: integer codes in an initializer, turned back into the float32 weight
 * by the decode nodes {@code qsvit apply} writes. Names refer to initializers of the same graph.
 *
 * @param codes         integer codes, shaped like the weight
 * @param scale         float32 scales: a scalar, or one per channel along {@code scaleAxis}
 * @param zeroPoint     zero points (asymmetric uniform codes), or "" when there are none
 * @param table         the unit levels pow2 codes index, or "" for uniform codes
 * @param scaleAxis     the axis of the codes the scales run along, or -1 for one scale
 * @param decodeOutputs values the decode nodes produce, the weight last: their producers are the decode
 */
public record WeightEncoding(String codes, String scale, String zeroPoint, String table, int scaleAxis,
                             List<String> decodeOutputs) {

    public WeightEncoding {
        decodeOutputs = List.copyOf(decodeOutputs);
    }

    /** True for power-of-two codes (Gather from a table of levels), false for uniform ones (DequantizeLinear). */
    public boolean pow2() {
        return !table.isEmpty();
    }
}
