package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleBatchesTest {
    /** Sample i of shape [2, 3] holds 100 i + position; reads are slow for odd i, so workers finish out of order. */
    static class Counting implements Dataset {
        final int size;
        final AtomicInteger reading = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();

        Counting(int size) {
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public SampleShape shape() {
            return SampleShape.of(2, 3);
        }

        @Override
        public void read(int index, float[] sample) {
            mostAtOnce.accumulateAndGet(reading.incrementAndGet(), Math::max);
            reads.incrementAndGet();
            if (index % 2 == 1) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (int p = 0; p < 6; p++) {
                sample[p] = 100 * index + p;
            }
            reading.decrementAndGet();
        }

        @Override
        public String source() {
            return "counting";
        }
    }

    private static float[] values(SampleBatches.Batch batch) {
        FloatBuffer buffer = batch.values();
        float[] values = new float[buffer.remaining()];
        buffer.get(buffer.position(), values);
        return values;
    }

    @Test
    void batchesComeInOrderWithTheSameValuesForAnyNumberOfWorkers() {
        for (int workers : new int[] {1, 3, 8}) {
            Counting data = new Counting(11);
            try (SampleBatches batches = SampleBatches.open(data, 4, workers)) {
                assertEquals(3, batches.count());
                for (int b = 0; b < 3; b++) {
                    try (SampleBatches.Batch batch = batches.next()) {
                        int n = b < 2 ? 4 : 3;
                        assertEquals(4 * b, batch.start());
                        assertEquals(n, batch.size());
                        assertArrayEquals(new long[] {n, 2, 3}, batch.shape());
                        float[] expected = new float[n * 6];
                        for (int i = 0; i < n; i++) {
                            for (int p = 0; p < 6; p++) {
                                expected[i * 6 + p] = 100 * (4 * b + i) + p;
                            }
                        }
                        assertArrayEquals(expected, values(batch));
                    }
                }
            }
            assertEquals(11, data.reads.get()); // every sample read exactly once
        }
    }

    @Test
    void timeMajorBatchesPutStepTOfSampleIAtTTimesNPlusI() {
        try (SampleBatches batches = SampleBatches.open(new Counting(3), 3, 1, 2);
             SampleBatches.Batch batch = batches.next()) {
            assertArrayEquals(new long[] {2, 3, 3}, batch.shape());
            // [T=2, N=3, 3]: step 0 of samples 0..2, then step 1 of samples 0..2
            assertArrayEquals(new float[] {0, 1, 2, 100, 101, 102, 200, 201, 202,
                    3, 4, 5, 103, 104, 105, 203, 204, 205}, values(batch));
        }
    }

    @Test
    void readersRunAtMostTwoBatchesAhead() throws InterruptedException {
        Counting data = new Counting(40);
        try (SampleBatches batches = SampleBatches.open(data, 5, 4)) {
            SampleBatches.Batch first = batches.next();
            Thread.sleep(50);
            // batches 0 and 1 are read; batch 2 waits for batch 0's buffer
            assertEquals(10, data.reads.get());
            first.close();
            batches.next().close();
            assertTrue(data.reads.get() <= 20);
        }
    }

    @Test
    void aReaderErrorReachesTheConsumerAsItIs() {
        Dataset failing = new Counting(6) {
            @Override
            public void read(int index, float[] sample) {
                if (index == 4) {
                    throw new UserInputException("cannot decode image 4.jpg: truncated");
                }
                super.read(index, sample);
            }
        };
        try (SampleBatches batches = SampleBatches.open(failing, 2, 2)) {
            batches.next().close();
            batches.next().close();
            assertEquals("cannot decode image 4.jpg: truncated",
                    assertThrows(UserInputException.class, batches::next).getMessage());
        }
    }

    @Test
    void forEachReadsEverySampleOnce() {
        float[] sums = new float[9];
        SampleBatches.forEach(new Counting(9), 3, (i, sample) -> sums[i] = sample[0] + sample[5]);
        for (int i = 0; i < 9; i++) {
            assertEquals(200 * i + 5, sums[i]);
        }
    }
}
