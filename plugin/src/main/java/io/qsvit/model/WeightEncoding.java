package io.qsvit.model;

import java.util.List;

/**
 * How a real artifact stores one weight: integer codes in an initializer, turned back into the weight by the
 * decode nodes {@code qsvit apply} writes. Names refer to initializers of the same graph.
 *
 * @param codes         the initializer holding the codes: typed codes shaped like the weight, or (packedBits > 0)
 *                      a uint8 stream of codes packed {@code packedBits} bits each ({@link PackedCodes})
 * @param packedBits    2..7 for packed codes, 0 for typed ones
 * @param dims          the weight's shape
 * @param scale         float32 scales: one, or one per channel along {@code scaleAxis} (any broadcast shape)
 * @param zeroPoint     zero points (per channel or one), or "" when there are none
 * @param table         the levels pow2 codes index, or "" for uniform codes
 * @param scaleAxis     the axis of the weight the scales run along, or -1 for one scale
 * @param decodeOutputs values the decode nodes produce, the weight last: their producers are the decode
 * @param integerLevels true when the table holds int32 levels 2^(n-1-j) and the scale carries the 2^-(n-1)
 *                      (pow2 weights an integer kernel consumes)
 * @param unit          the integer kernel that consumes the weight in place of its float operator, or null
 */
public record WeightEncoding(String codes, int packedBits, int[] dims, String scale, String zeroPoint, String table,
                             int scaleAxis, List<String> decodeOutputs, boolean integerLevels, IntegerUnit unit) {

    public WeightEncoding {
        dims = dims.clone();
        decodeOutputs = List.copyOf(decodeOutputs);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Records compare arrays by reference; an encoding is its values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof WeightEncoding e && codes.equals(e.codes) && packedBits == e.packedBits
                && java.util.Arrays.equals(dims, e.dims) && scale.equals(e.scale) && zeroPoint.equals(e.zeroPoint)
                && table.equals(e.table) && scaleAxis == e.scaleAxis && decodeOutputs.equals(e.decodeOutputs)
                && integerLevels == e.integerLevels && java.util.Objects.equals(unit, e.unit);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(codes, packedBits, java.util.Arrays.hashCode(dims), scale, zeroPoint, table,
                scaleAxis, decodeOutputs, integerLevels, unit);
    }

    /** True for power-of-two codes (Gather from a table of levels), false for uniform ones. */
    public boolean pow2() {
        return !table.isEmpty();
    }

    /** True when the codes are packed below their container's width. */
    public boolean packed() {
        return packedBits > 0;
    }

    /**
     * The run-time form: "integer" when an integer kernel consumes the codes, "levels" when the float operator
     * consumes the integer levels (a real model's levels form, or a simulated model's split layer, whose codes are
     * a float32 initializer of levels), "dequantize" otherwise.
     */
    public String form() {
        return unit == null ? "dequantize" : unit.integerKernel() ? "integer" : "levels";
    }

    WeightEncoding withUnit(IntegerUnit integerUnit, String scaleName, int axis) {
        return new WeightEncoding(codes, packedBits, dims, scaleName, zeroPoint, table, axis, decodeOutputs,
                integerLevels, integerUnit);
    }
}
