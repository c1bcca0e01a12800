package io.qsvit.search;

import io.qsvit.UserInputException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A cap on a setting's weights: mean bits per weight (effective bits) or bytes as a real artifact stores them
 * ({@code memory_bytes}, the name the pipeline configuration uses). With a budget the
 * heterogeneous search looks for the most accurate setting within it, rather than the smallest setting
 * that meets the requirement.
 */
public record Budget(Double effectiveBits, Long memoryBytes) {
    public Budget {
        if ((effectiveBits == null) == (memoryBytes == null)) {
            throw new UserInputException("a budget is either effective bits or bytes, not both");
        }
        if (effectiveBits != null && !(effectiveBits > 0 && effectiveBits <= 32)) {
            throw new UserInputException("--budget-bits must be above 0 and at most 32, got " + effectiveBits);
        }
        if (memoryBytes != null && memoryBytes <= 0) {
            throw new UserInputException("--budget-bytes must be positive, got " + memoryBytes);
        }
    }

    public CostMetric metric() {
        return effectiveBits != null ? CostMetric.WEIGHT_BITS : CostMetric.STORAGE_BYTES;
    }

    /** The cap in the metric's unit, for a model with {@code params} weights. */
    public long limit(long params) {
        return effectiveBits != null ? (long) Math.floor(effectiveBits * params) : memoryBytes;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(effectiveBits != null ? "effective_bits" : "memory_bytes", effectiveBits != null ? effectiveBits : memoryBytes);
        return map;
    }

    @Override
    public String toString() {
        return effectiveBits != null ? String.format(Locale.ROOT, "%.3f effective bits", effectiveBits) : memoryBytes + " bytes";
    }
}
