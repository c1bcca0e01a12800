package io.qsvit.search;

import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RacingOrderTest {
    /** 100 one-pixel images: 50 of class 0, 30 of class 1, 20 of class 2, in blocks; pixel i holds i. */
    static Dataset blocks() {
        int[] labels = new int[100];
        float[] pixels = new float[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
            pixels[i] = i;
        }
        return new MemoryDataset(pixels, labels, 1, 1, 1);
    }

    @Test
    void everyPrefixKeepsTheClassProportionsWithinOneImage() {
        int[] order = RacingOrder.indices(blocks(), 5);
        assertEquals(100, Arrays.stream(order).distinct().count());
        for (int n = 1; n <= 100; n++) {
            int[] counts = new int[3];
            for (int i = 0; i < n; i++) {
                counts[order[i] < 50 ? 0 : order[i] < 80 ? 1 : 2]++;
            }
            double[] shares = {0.5, 0.3, 0.2};
            for (int k = 0; k < 3; k++) {
                assertTrue(Math.abs(counts[k] - shares[k] * n) <= 1.0, "prefix " + n + " class " + k + ": " + counts[k]);
            }
        }
    }

    @Test
    void theSeedDecidesTheOrderWithinEachClass() {
        assertArrayEquals(RacingOrder.indices(blocks(), 5), RacingOrder.indices(blocks(), 5));
        assertTrue(!Arrays.equals(RacingOrder.indices(blocks(), 5), RacingOrder.indices(blocks(), 6)));
        Dataset ordered = RacingOrder.of(blocks(), 5);
        int first = RacingOrder.indices(blocks(), 5)[0];
        float[] pixel = new float[1];
        ordered.read(0, pixel);
        assertEquals(first, (int) pixel[0]);
        assertEquals(blocks().label(first), ordered.label(0));
    }
}
