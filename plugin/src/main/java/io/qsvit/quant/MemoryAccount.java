package io.qsvit.quant;

/**
 * The memory of a set of weight tensors (a setting applied to a model): sums of {@link TensorCost}s and the
 * figures derived from them. An account of no weights reports 0 effective bits and 0 saving.
 */
public record MemoryAccount(long totalParams, long weightBits, long overheadBits, long storageBytes) {
    public static final MemoryAccount EMPTY = new MemoryAccount(0, 0, 0, 0);

    public static MemoryAccount of(Iterable<TensorCost> costs) {
        MemoryAccount account = EMPTY;
        for (TensorCost cost : costs) {
            account = account.plus(cost);
        }
        return account;
    }

    public MemoryAccount plus(TensorCost cost) {
        return new MemoryAccount(totalParams + cost.params(), weightBits + cost.weightBits(),
                overheadBits + cost.overheadBits(), storageBytes + cost.storageBytes());
    }

    /** Weighted mean bits per weight, weightBits / params: SpikeHQ's figure (overhead excluded). */
    public double effectiveBits() {
        return totalParams == 0 ? 0 : (double) weightBits / totalParams;
    }

    /** The same weights stored as float32. */
    public long float32Bytes() {
        return totalParams * 4;
    }

    /** 1 - (weightBits + overheadBits) / (32 * params): the fraction of float32 memory saved. */
    public double savingVsFloat32() {
        return totalParams == 0 ? 0 : 1 - (double) (weightBits + overheadBits) / (32.0 * totalParams);
    }
}
