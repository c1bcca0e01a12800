package io.qsvit.quant;

import java.util.Locale;

/** How one quantized layer runs in a real artifact. */
public enum RuntimeForm {
    /** Codes (packed b bits each below 8) decoded by standard operators to the float weight the layer's own operator reads. */
    DEQUANTIZE,
    /** The layer's spike input as uint8 and its integer levels through ConvInteger / MatMulInteger, then the scale. */
    INTEGER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
