package io.qsvit.eval;

import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.eval.data.SampleShape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ClassMetricsTest {
    @Test
    void tribuoMetricsMatchAHandCount() {
        // 28x28 images are what the reference model takes; only labels and scores matter here
        int n = 6;
        float[][] scores = new float[n][10];
        int[] predicted = {0, 1, 1, 1, 2, 0};
        for (int i = 0; i < n; i++) {
            scores[i][predicted[i]] = 5;
        }
        ClassMetrics m = ClassMetrics.evaluate(
                new MemoryDataset(new float[n * 784], new int[] {0, 0, 1, 1, 2, 2}, SampleShape.of(1, 28, 28),
                        List.of("tee", "trouser", "pullover"), "memory"), scores);
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        // precision/recall: tee 1/2, 1/2; trouser 2/3, 2/2; pullover 1/1, 1/2
        ClassMetrics.PerClass tee = m.perClass().get(0);
        assertEquals("tee", tee.label());
        assertEquals(0.5, tee.precision(), 1e-12);
        assertEquals(0.5, tee.recall(), 1e-12);
        assertEquals(2, tee.support());
        assertEquals(0.8, m.perClass().get(1).f1(), 1e-12);
        assertEquals(2.0 / 3, m.perClass().get(2).f1(), 1e-12);
        // Tribuo's macro average runs over the whole domain (every class scored): the 7 classes never seen count as F1 0
        assertEquals((0.5 + 0.8 + 2.0 / 3) / 10, m.macroF1(), 1e-12);
        assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, m.confusion().counts()[0]);
        assertArrayEquals(new long[] {0, 2, 0, 0, 0, 0, 0, 0, 0, 0}, m.confusion().counts()[1]);
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 0, 0, 0, 0, 0}, m.confusion().counts()[2]);
        assertEquals("pullover", m.confusion().labels().get(2));
        assertEquals("3", m.confusion().labels().get(3));
    }
}
