package io.qsvit.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Named lists of precisions for the sensitivity sweep, written in place of the list itself
 * ({@code --precisions qsvit}, {@code sensitivity: {precisions: [qsvit]}}).
 * <p>
 * {@code qsvit} is our reading of QSViT's Alg. 1 levels 32/16/12/8/4 (arXiv 2504.00948): 32 is the float
 * model (the sweep's baseline), and 16, 12, 8 and 4 bits are two's complement fixed-point numbers on one
 * datapath, as in the same authors' earlier Q-SpiNN, with truncation, the cheapest rounding in hardware. The paper
 * names bit widths, not a number format; a fixed split between integer and fraction is what a bit width means
 * on fixed-point hardware, and the only reading under which a wide format (16 bits) can fail at all. We keep
 * the integer part constant at 3 bits for every width (a datapath's binary point does not move with the word
 * length): |w| &lt; 8 holds every weight of both reference models, and the narrower words lose fraction bits,
 * {@code fixed4:q3.0} keeping only the integers. Saturation, not wrap, at the range's ends.
 */
public enum PrecisionPreset {
    QSVIT(List.of("fixed16:q3.12:truncate", "fixed12:q3.8:truncate", "fixed8:q3.4:truncate", "fixed4:q3.0:truncate"));

    private final List<String> ids;

    PrecisionPreset(List<String> ids) {
        this.ids = ids;
    }

    /** The name settings and options write: {@code qsvit}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The schemes, in sweep order. */
    public List<Scheme> schemes() {
        return ids.stream().map(Scheme::parse).toList();
    }

    /**
     * The precisions a list names: a preset's schemes when the list is one preset name, else each entry parsed
     * (a bad one refused with the parser's one-line message).
     */
    public static List<Scheme> expand(List<String> named) {
        if (named.size() == 1) {
            for (PrecisionPreset preset : values()) {
                if (preset.text().equals(named.get(0).strip())) {
                    return preset.schemes();
                }
            }
        }
        List<Scheme> schemes = new ArrayList<>();
        named.forEach(n -> schemes.add(Scheme.parse(n.strip())));
        return List.copyOf(schemes);
    }
}
