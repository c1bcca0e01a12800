package io.qsvit.quant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The shift formula, shift_c = sum_k (W - Q(W))[c, k] * mean(x_k), on tensors small enough to check by hand. */
class BiasCorrectionTest {

    @Test
    void matrixWithOutputChannelsFirstSumsEachRowAgainstTheMeans() {
        // stored [N=2, K=3] (a Gemm with transB or a MatMul behind a Transpose): rows are output channels
        float[] delta = {0.5f, -1f, 0.25f, 2f, 0f, -0.5f};
        double[] means = {1, 0.5, 4};
        // c0: 0.5*1 - 1*0.5 + 0.25*4 = 1.0 ; c1: 2*1 + 0 - 0.5*4 = 0.0
        assertArrayEquals(new double[] {1.0, 0.0}, BiasCorrection.shift(delta, new int[] {2, 3}, 0, false, 1, means), 1e-12);
    }

    @Test
    void matrixWithOutputChannelsLastSumsEachColumn() {
        // a MatMul's right operand [K=3, N=2]: Y = X W, output channel n sums W[k, n] * mean(x_k)
        float[] delta = {0.5f, 2f, -1f, 0f, 0.25f, -0.5f};
        double[] means = {1, 0.5, 4};
        assertArrayEquals(new double[] {1.0, 0.0}, BiasCorrection.shift(delta, new int[] {3, 2}, 1, false, 1, means), 1e-12);
    }

    @Test
    void convSumsOverItsInputChannelsAndTaps() {
        // [C_out=2, C_in=2, 1, 2]: c0 = (1 + 2) * 0.5 + (-1 + 0) * 0.25 = 1.25 ; c1 = (0.5 + 0.5) * 0.5 + (4 - 4) * 0.25 = 0.5
        float[] delta = {1, 2, -1, 0, 0.5f, 0.5f, 4, -4};
        double[] means = {0.5, 0.25};
        assertArrayEquals(new double[] {1.25, 0.5},
                BiasCorrection.shift(delta, new int[] {2, 2, 1, 2}, 0, true, 1, means), 1e-12);
    }

    @Test
    void groupedConvReadsOnlyItsGroupsInputChannels() {
        // depthwise [C_out=4, 1, 1, 1] with 2 groups of 2 outputs over C_in=2: c0, c1 read x0; c2, c3 read x1
        float[] delta = {1, -2, 3, 0.5f};
        double[] means = {0.1, 10};
        assertArrayEquals(new double[] {0.1, -0.2, 30, 5},
                BiasCorrection.shift(delta, new int[] {4, 1, 1, 1}, 0, true, 2, means), 1e-12);
    }
}
