package io.qsvit.quant;

import io.qsvit.model.PackedCodes;

/**
 * What one weight tensor costs under a scheme, a pure function of scheme, shape and channel axis.
 *
 * @param params       number of weights
 * @param scales       number of scales: one per channel, one per tensor, none for float32
 * @param weightBits   params * bits, the figure the papers report (float32 counts 32)
 * @param overheadBits 32 per scale, plus bits per zero point (asymmetric), plus 32 per pow2 table entry
 * @param storageBytes what a real artifact stores: codes of b < 8 bits packed b bits each in groups of eight
 *                     ({@link io.qsvit.model.PackedCodes}), 8-bit codes one byte each, 9- to 16-bit codes two bytes,
 *                     17- to 32-bit (fixed-point) codes four; 4 bytes per scale (fixed point: the one 2^-n);
 *                     4 bytes per zero point (asymmetric codes, and packed symmetric and fixed-point ones,
 *                     whose bias is their zero point); 4 bytes per pow2 table entry
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
        boolean packed = scheme.bits() < 8;
        int stored = packed ? scheme.bits() : scheme.bits() == 8 ? 8 : scheme.bits() <= 16 ? 16 : 32;
        long overheadBits = 32L * scales;
        long storageBytes = (packed ? PackedCodes.bytes(params, stored) : params * (stored / 8)) + 4L * scales;
        boolean asymmetric = scheme instanceof Scheme.Uniform uniform && !uniform.symmetric();
        if (asymmetric) {
            overheadBits += (long) scheme.bits() * scales;
        }
        if (asymmetric || packed && (scheme instanceof Scheme.Uniform || scheme instanceof Scheme.Fixed)) {
            storageBytes += 4L * scales; // float zero points (int32 for an integer kernel): Sub of float codes
        }
        if (scheme instanceof Scheme.Pow2) {
            // the decode table is stored once per tensor, shared by all its channels
            int entries = Pow2Levels.table(scheme.bits()).length;
            overheadBits += 32L * entries;
            storageBytes += 4L * entries;
        }
        return new TensorCost(scheme, params, scales, params * scheme.bits(), overheadBits, storageBytes);
    }

}
