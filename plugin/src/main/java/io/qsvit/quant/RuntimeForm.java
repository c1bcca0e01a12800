package io.qsvit.quant;

import java.util.Locale;

/** How one quantized layer runs in a real artifact. */
public enum RuntimeForm {
    /** Codes (packed b bits each below 8) decoded by standard operators to the float weight the layer's own operator reads. */
    DEQUANTIZE,
    /**
     * The integer levels K decoded to float, the layer's own float operator on its spike input and K (exact integer
     * sums), then the per-channel scale and the bias: what the simulated model computes for such a layer, with
     * standard operators only (the portable form of a layer {@link #INTEGER} would take).
     */
    LEVELS,
    /** The layer's spike input as uint8 and its integer levels through ConvInteger / MatMulInteger, then the scale. */
    INTEGER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
