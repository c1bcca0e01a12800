package io.qsvit.quant;

/**
 * What one weight tensor costs under a scheme, a pure function of scheme, shape and channel axis.
 *
 * @param params       number of weights
 * @param scales       number of scales: one per channel, one per tensor, none for float32
 * @param weightBits   params * bits, the figure the papers report (float32 counts 32)
 * @param overheadBits 32 per scale, plus bits per zero point (asymmetric), plus 32 per pow2 table entry
 * @param storageBytes what a real artifact stores: the codes at container width (4-bit packed two per byte),
 *                     4 bytes per scale, zero points at container width, 4 bytes per pow2 table entry
 */
public record TensorCost(Scheme scheme, long params, int scales, long weightBits, long overheadBits,
                         long storageBytes) {

    public static TensorCost of(Scheme scheme, int[] shape, int channelAxis) {
        long params = ChannelLayout.elementCount(shape);
        int axis = ChannelLayout.effectiveAxis(scheme, shape, channelAxis);
        if (scheme instanceof Scheme.Float32) {
            return new TensorCost(scheme, params, 0, params * 32, 0, params * 4);
        }
        int scales = axis < 0 ? 1 : shape[axis];
        int container = scheme.containerBits();
        long overheadBits = 32L * scales;
        long storageBytes = bytes(params, container) + 4L * scales;
        if (scheme instanceof Scheme.Uniform uniform && !uniform.symmetric()) {
            overheadBits += (long) scheme.bits() * scales;
            storageBytes += bytes(scales, container);
        }
        if (scheme instanceof Scheme.Pow2) {
            // the decode table is stored once per tensor, shared by all its channels
            int entries = Pow2Levels.table(scheme.bits()).length;
            overheadBits += 32L * entries;
            storageBytes += 4L * entries;
        }
        return new TensorCost(scheme, params, scales, params * scheme.bits(), overheadBits, storageBytes);
    }

    /** Bytes for count elements of the given bit width, packed, rounded up to whole bytes. */
    private static long bytes(long count, int bits) {
        return (count * bits + 7) / 8;
    }
}
