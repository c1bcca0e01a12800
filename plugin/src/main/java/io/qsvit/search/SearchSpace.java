package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.quant.Scheme;

import java.util.ArrayList;
import java.util.List;

/**
 * The schemes the heterogeneous search may give a group (SpikeHQ's space: uniform or power-of-two levels at
 * each bit width); float32 is always a further option.
 */
public record SearchSpace(List<Scheme> schemes) {
    /**
     * Per-channel uniform 3..8 and 16 bits, per-channel pow2 3..6 bits. Two bits (ternary weights) rarely
     * survive quantization without retraining, and pow2 beyond 6 bits only adds levels below 2^-30 of the
     * largest weight; both can be asked for with --space.
     */
    public static final SearchSpace SPIKEHQ = parse("uniform3,uniform4,uniform5,uniform6,uniform7,uniform8,uniform16,"
            + "pow2-3,pow2-4,pow2-5,pow2-6");

    public SearchSpace {
        schemes = List.copyOf(schemes);
        if (schemes.isEmpty()) {
            throw new UserInputException("the search space needs at least one scheme");
        }
    }

    /** Comma-separated scheme ids, e.g. {@code uniform4,uniform8,pow2-4}. */
    public static SearchSpace parse(String text) {
        List<Scheme> schemes = new ArrayList<>();
        for (String id : text.split(",")) {
            Scheme s = Scheme.parse(id.trim());
            if (!(s instanceof Scheme.Float32) && !schemes.contains(s)) {
                schemes.add(s);
            }
        }
        return new SearchSpace(schemes);
    }

    public List<String> ids() {
        return schemes.stream().map(Scheme::id).toList();
    }
}
