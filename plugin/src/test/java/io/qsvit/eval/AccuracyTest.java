package io.qsvit.eval;

import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AccuracyTest {
    @Test
    void wilsonIntervalMatchesTheFormula() {
        // values from the closed form, computed independently in Python
        assertArrayEquals(new double[] {0.8786914023121892, 0.905801798524746}, new Accuracy(1786, 2000).interval95(), 1e-12);
        assertArrayEquals(new double[] {0.7224672001371107, 1.0}, new Accuracy(10, 10).interval95(), 1e-12);
    }

    @Test
    void topKCountsClassesScoredStrictlyHigher() {
        Dataset three = new MemoryDataset(new float[3], new int[] {0, 1, 2}, 1, 1, 1);
        float[][] scores = {
            {0.9f, 0.1f, 0.0f},   // label 0 best
            {0.5f, 0.2f, 0.3f},   // label 1 third
            {0.4f, 0.1f, 0.4f},   // label 2 tied first
        };
        assertEquals(new Accuracy(2, 3), Accuracy.topK(scores, three, 1));
        assertEquals(new Accuracy(2, 3), Accuracy.topK(scores, three, 2));
        assertEquals(new Accuracy(3, 3), Accuracy.topK(scores, three, 3));
    }
}
