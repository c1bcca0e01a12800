package io.qsvit.quant;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-computed costs; the conv weight is [64, 32, 3, 3] = 18432 parameters. */
class MemoryAccountingTest {
    private static final int[] CONV = {64, 32, 3, 3};

    private static TensorCost cost(String scheme, int[] shape, int axis) {
        return TensorCost.of(Scheme.parse(scheme), shape, axis);
    }

    @Test
    void symmetricPerChannelPaysOneScalePerChannel() {
        TensorCost cost = cost("uniform4", CONV, 0);
        assertEquals(18432, cost.params());
        assertEquals(64, cost.scales());
        assertEquals(73728, cost.weightBits());
        assertEquals(64 * 32, cost.overheadBits());
        // packed 4 bits each (2304 groups of 8 codes in 4 bytes), a scale and the codes' bias (a float zero point) per channel
        assertEquals(9216 + 256 + 256, cost.storageBytes());
    }

    @Test
    void asymmetricAlsoPaysZeroPoints() {
        TensorCost cost = cost("uniform4-asym", CONV, 0);
        assertEquals(64 * 32 + 64 * 4, cost.overheadBits());
        assertEquals(9216 + 256 + 256, cost.storageBytes());
        // 12 bits sit in a 16-bit container: codes 2 bytes each; zero points are floats
        TensorCost wide = cost("uniform12-asym", new int[] {10, 7}, 0);
        assertEquals(840, wide.weightBits());
        assertEquals(10 * 32 + 10 * 12, wide.overheadBits());
        assertEquals(140 + 40 + 40, wide.storageBytes());
    }

    @Test
    void perTensorAndUnknownAxisPayOneScale() {
        assertEquals(32, cost("uniform8-tensor", CONV, 0).overheadBits());
        assertEquals(18432 + 4, cost("uniform8-tensor", CONV, 0).storageBytes());
        assertEquals(1, cost("uniform8", CONV, -1).scales());
        // three 4-bit codes fill one group of eight: 4 bytes, then the scale and the zero point
        assertEquals(4 + 4 + 4, cost("uniform4-tensor", new int[] {3}, 0).storageBytes());
    }

    @Test
    void pow2PaysItsDecodeTableOncePerTensor() {
        TensorCost cost = cost("pow2-3", CONV, 0);
        assertEquals(18432 * 3, cost.weightBits());
        assertEquals(64 * 32 + 7 * 32, cost.overheadBits());
        assertEquals(6912 + 256 + 28, cost.storageBytes()); // 3 bits each: 2304 groups of 3 bytes
        assertEquals(255 * 4 + 4 + 18432, cost("pow2-8-tensor", CONV, 1).storageBytes());
    }

    @Test
    void float32CostsFourBytesAndNoOverhead() {
        TensorCost cost = cost("float32", new int[] {10, 10}, 0);
        assertEquals(0, cost.scales());
        assertEquals(3200, cost.weightBits());
        assertEquals(0, cost.overheadBits());
        assertEquals(400, cost.storageBytes());
    }

    @Test
    void accountSumsAndReportsEffectiveBitsAndSaving() {
        MemoryAccount account = MemoryAccount.of(List.of(
                cost("uniform8-tensor", new int[] {1000}, -1),
                cost("uniform4-tensor", new int[] {1000}, -1),
                cost("float32", new int[] {2000}, -1)));
        assertEquals(4000, account.totalParams());
        assertEquals(8000 + 4000 + 64000, account.weightBits());
        assertEquals(64, account.overheadBits());
        assertEquals(1004 + 508 + 8000, account.storageBytes());
        assertEquals(16000, account.float32Bytes());
        assertEquals(19.0, account.effectiveBits());
        assertEquals(1 - 76064.0 / 128000, account.savingVsFloat32(), 1e-15);
    }

    @Test
    void qsvitLikeMixOfConvLayers() {
        MemoryAccount account = MemoryAccount.EMPTY
                .plus(cost("uniform4", CONV, 0))
                .plus(cost("float32", new int[] {10, 64}, 1))
                .plus(cost("pow2-3-tensor", new int[] {100}, -1));
        assertEquals(19172, account.totalParams());
        assertEquals(73728 + 20480 + 300, account.weightBits());
        assertEquals(2048 + 32 + 224, account.overheadBits());
        assertEquals(9728 + 2560 + 71, account.storageBytes());
        assertEquals(94508.0 / 19172, account.effectiveBits(), 1e-12);
    }

    @Test
    void anEmptyAccountReportsZeros() {
        assertEquals(0.0, MemoryAccount.EMPTY.effectiveBits());
        assertEquals(0.0, MemoryAccount.EMPTY.savingVsFloat32());
    }
}
