package io.qsvit.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One weight tensor after {@link Quantizer#quantize}: its integer codes plus the scales (and zero points)
 * that turn them back into floats. Values are computed on demand, into a buffer the caller can reuse, so a
 * whole model's quantized tensors cost only their compact codes. For float32 the tensor keeps a copy of
 * the weights and has no codes or scales.
 */
public final class QuantizedTensor {
    private static final int[] NO_ZERO_POINTS = new int[0];
    private static final float[] NO_SCALES = new float[0];

    private final Scheme scheme;
    private final int[] shape;
    private final int channelAxis;
    private final ChannelLayout layout;
    private final float[] scales;
    private final int[] zeroPoints;
    private final Codes codes;
    private final float[] pow2Table;
    private final float[] floatValues;

    private QuantizedTensor(Scheme scheme, int[] shape, int channelAxis, float[] scales, int[] zeroPoints,
                            Codes codes, float[] pow2Table, float[] floatValues) {
        this.scheme = scheme;
        this.shape = shape.clone();
        this.channelAxis = channelAxis;
        this.layout = ChannelLayout.of(shape, channelAxis);
        this.scales = scales;
        this.zeroPoints = zeroPoints;
        this.codes = codes;
        this.pow2Table = pow2Table;
        this.floatValues = floatValues;
    }

    static QuantizedTensor float32(int[] shape, float[] weights) {
        return new QuantizedTensor(Scheme.FLOAT32, shape, -1, NO_SCALES, NO_ZERO_POINTS, null, null,
                weights.clone());
    }

    /** zeroPoints is empty for symmetric schemes. */
    static QuantizedTensor uniform(Scheme scheme, int[] shape, int channelAxis, float[] scales,
                                   int[] zeroPoints, Codes codes) {
        return new QuantizedTensor(scheme, shape, channelAxis, scales, zeroPoints, codes, null, null);
    }

    /** One scale, the format's 2^-n, for the whole tensor; signed codes, no zero point. */
    static QuantizedTensor fixed(Scheme.Fixed scheme, int[] shape, Codes codes) {
        return new QuantizedTensor(scheme, shape, -1, new float[] {scheme.step()}, NO_ZERO_POINTS, codes, null, null);
    }

    static QuantizedTensor pow2(Scheme.Pow2 scheme, int[] shape, int channelAxis, float[] scales, Codes codes) {
        return new QuantizedTensor(scheme, shape, channelAxis, scales, NO_ZERO_POINTS, codes,
                Pow2Levels.table(scheme.bits()), null);
    }

    public Scheme scheme() {
        return scheme;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** The axis the scales run along, or -1 for one scale for the whole tensor (and for float32). */
    public int channelAxis() {
        return channelAxis;
    }

    /** One scale per channel (one in all when per-tensor); empty for float32. */
    public float[] scales() {
        return scales.clone();
    }

    /** One zero point per scale for asymmetric uniform schemes; empty for every other scheme. */
    public int[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** Number of elements. */
    public int size() {
        return layout.size();
    }

    /** The integer code of one element (row-major index), as stored in the ONNX container. */
    public int code(int index) {
        if (codes == null) {
            throw new IllegalStateException("float32 weights have no codes");
        }
        return codes.get(index);
    }

    /**
     * Writes the dequantized weights, row-major, into {@code out}: (float) (code - zeroPoint) * scale for
     * uniform schemes, table[code] * scale for pow2, the original bits for float32. See {@link Quantizer}.
     */
    public void dequantizeInto(float[] out) {
        if (out.length != size()) {
            throw new IllegalArgumentException("buffer of " + out.length + " floats for " + size() + " weights");
        }
        if (floatValues != null) {
            System.arraycopy(floatValues, 0, out, 0, floatValues.length);
            return;
        }
        int inner = layout.inner();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int c = 0; c < layout.channels(); c++) {
                float scale = scales[c];
                int end = index + inner;
                if (pow2Table != null) {
                    for (; index < end; index++) {
                        out[index] = pow2Table[codes.get(index)] * scale;
                    }
                } else {
                    int zeroPoint = zeroPoints.length == 0 ? 0 : zeroPoints[c];
                    for (; index < end; index++) {
                        out[index] = (float) (codes.get(index) - zeroPoint) * scale;
                    }
                }
            }
        }
    }

    /**
     * How many bits of the scale the integer levels carry: n - 1 for a pow2 scheme of n magnitudes (its unit levels
     * 2^-j times 2^(n-1) are integers), 0 for uniform ones. W = K * (scale * 2^-shift) with integer levels K.
     */
    public int levelShift() {
        return scheme instanceof Scheme.Pow2 p ? Pow2Levels.magnitudes(p.bits()) - 1 : 0;
    }

    /** The scales that multiply the integer levels: {@link #scales} times 2^-{@link #levelShift}, exact. */
    public float[] levelScales() {
        float[] out = scales.clone();
        int shift = levelShift();
        for (int c = 0; c < out.length; c++) {
            out[c] = Math.scalb(out[c], -shift);
        }
        return out;
    }

    /**
     * Writes the integer levels K, row-major, as floats (exact: |K| <= 2^15): code - zero point for uniform schemes,
     * table[code] * 2^{@link #levelShift} for pow2. K times {@link #levelScales} is {@link #dequantizeInto}'s value.
     */
    public void levelsInto(float[] out) {
        if (codes == null || out.length != size()) {
            throw new IllegalArgumentException("levels of " + size() + " coded weights into " + out.length);
        }
        int inner = layout.inner();
        int shift = levelShift();
        int index = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int c = 0; c < layout.channels(); c++) {
                int end = index + inner;
                int zeroPoint = zeroPoints.length == 0 ? 0 : zeroPoints[c];
                for (; index < end; index++) {
                    out[index] = pow2Table != null ? Math.scalb(pow2Table[codes.get(index)], shift)
                            : (float) (codes.get(index) - zeroPoint);
                }
            }
        }
    }

    public float[] dequantize() {
        float[] out = new float[size()];
        dequantizeInto(out);
        return out;
    }

    /**
     * The codes as the raw_data of an ONNX tensor of {@link Scheme#onnxDataType()}: one byte per 8-bit code,
     * two little-endian bytes per 16-bit code, two 4-bit codes per byte with the first in the low nibble (an
     * odd count ends in a zero high nibble). For float32 these are the weights' little-endian IEEE bits.
     */
    public byte[] packedCodes() {
        if (floatValues != null) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * floatValues.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(floatValues);
            return bytes.array();
        }
        return codes.pack();
    }
}
