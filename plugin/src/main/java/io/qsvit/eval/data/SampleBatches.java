package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands a dataset's samples out batch after batch, in order, while worker threads read (decode, preprocess)
 * the next batch: ONNX Runtime runs batch k while batch k + 1 is being made. Memory stays bounded at
 * {@value #DEPTH} direct buffers of one batch each, whatever the dataset's size; ONNX Runtime reads a direct
 * buffer in place. Each sample is read by one worker into its own slice of the buffer, so the values never
 * depend on the number of workers or their timing.
 *
 * <p>The batch axis is 0 ([N, ...], images) or 1 ([T, N, ...], time-major event frames: sample dimension 0
 * is time, and step t of sample i lands at (t * n + i) in the batch).
 */
public final class SampleBatches implements AutoCloseable {
    /** Buffers in the ring: the one ONNX Runtime reads and the one the workers fill. */
    static final int DEPTH = 2;

    private final Dataset data;
    private final int batch;
    private final int batchAxis;
    private final int sampleSize;
    private final ExecutorService workers;
    private final ThreadLocal<float[]> scratch;
    private final FloatBuffer[] buffers = new FloatBuffer[DEPTH];
    private final List<CompletableFuture<Void>> filled = new ArrayList<>();
    private final List<List<Future<?>>> tasks = new ArrayList<>();
    private volatile boolean closed;
    private int taken;

    private SampleBatches(Dataset data, int batch, int batchAxis, int workers) {
        if (batch < 1 || workers < 1) {
            throw new IllegalArgumentException("batch and workers must be at least 1");
        }
        if (batchAxis != 0 && (batchAxis != 1 || data.shape().rank() < 2)) {
            throw new IllegalArgumentException("batch axis must be 0, or 1 for samples of rank 2 or more");
        }
        this.data = data;
        this.batch = Math.min(batch, Math.max(1, data.size()));
        this.batchAxis = batchAxis;
        this.sampleSize = data.shape().size();
        this.workers = Executors.newFixedThreadPool(workers, daemons());
        this.scratch = ThreadLocal.withInitial(() -> new float[sampleSize]);
        for (int i = 0; i < DEPTH; i++) {
            buffers[i] = ByteBuffer.allocateDirect(Math.multiplyExact(4 * this.batch, sampleSize))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        for (int b = 0; b < Math.min(DEPTH, count()); b++) {
            schedule(b);
        }
    }

    /** Batches of {@code batch} samples (the last one smaller) with the batch axis first. */
    public static SampleBatches open(Dataset data, int batch, int workers) {
        return open(data, batch, 0, workers);
    }

    /** Batches of {@code batch} samples with the batch axis at {@code batchAxis} (0 or 1). */
    public static SampleBatches open(Dataset data, int batch, int batchAxis, int workers) {
        return new SampleBatches(data, batch, batchAxis, workers);
    }

    /** Reader threads to use when nobody says: one per core (they wait on ONNX Runtime most of the time). */
    public static int defaultWorkers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Reads every sample on {@code workers} threads and hands each to {@code sink} (from a worker thread). */
    public static void forEach(Dataset data, int workers, SampleSink sink) {
        if (data.size() == 0) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, workers), daemons());
        try {
            int size = data.shape().size();
            ThreadLocal<float[]> buffer = ThreadLocal.withInitial(() -> new float[size]);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    float[] sample = buffer.get();
                    data.read(index, sample);
                    sink.accept(index, sample);
                }));
            }
            for (Future<?> f : futures) {
                await(f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Receives one sample; the array is reused for the next sample the same thread reads. */
    @FunctionalInterface
    public interface SampleSink {
        void accept(int index, float[] sample);
    }

    /** Number of batches. */
    public int count() {
        return (data.size() + batch - 1) / batch;
    }

    /** Samples per batch (the last batch may hold fewer). */
    public int batchSize() {
        return batch;
    }

    /** The next batch, waiting until its samples are read; close it before taking the one after the next. */
    public Batch next() {
        if (taken >= count()) {
            throw new IllegalStateException("all " + count() + " batches were taken");
        }
        int number = taken++;
        await(filled.get(number));
        int start = number * batch;
        int n = Math.min(batch, data.size() - start);
        FloatBuffer buffer = buffers[number % DEPTH].duplicate();
        buffer.position(0).limit(n * sampleSize);
        return new Batch(number, start, n, buffer, data.shape().batchShape(n, batchAxis));
    }

    /** One batch: samples [start, start + size) in a buffer the tensor of {@code shape} reads. */
    public final class Batch implements AutoCloseable {
        private final int number;
        private final int start;
        private final int size;
        private final FloatBuffer values;
        private final long[] shape;
        private boolean released;

        private Batch(int number, int start, int size, FloatBuffer values, long[] shape) {
            this.number = number;
            this.start = start;
            this.size = size;
            this.values = values;
            this.shape = shape;
        }

        public int start() {
            return start;
        }

        public int size() {
            return size;
        }

        /** The values, position 0 to limit; a direct buffer ONNX Runtime reads in place. */
        public FloatBuffer values() {
            return values;
        }

        public long[] shape() {
            return shape.clone();
        }

        /** Gives the buffer back for the batch {@value #DEPTH} places later. */
        @Override
        public void close() {
            if (!released) {
                released = true;
                if (number + DEPTH < count() && !closed) {
                    schedule(number + DEPTH);
                }
            }
        }
    }

    /** A sample that could not be read: its place in the batch and why. */
    private record Failure(int slot, Throwable error) {
    }

    private void schedule(int number) {
        int start = number * batch;
        int n = Math.min(batch, data.size() - start);
        FloatBuffer buffer = buffers[number % DEPTH];
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(n);
        // the failure of the lowest sample in the batch is the one reported, whatever the workers' timing:
        // samples after a failed one are skipped, samples before it are still read
        AtomicReference<Failure> failure = new AtomicReference<>();
        List<Future<?>> submitted = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = i;
            submitted.add(workers.submit(() -> {
                try {
                    Failure first = failure.get();
                    if (!closed && (first == null || slot < first.slot())) {
                        float[] sample = scratch.get();
                        data.read(start + slot, sample);
                        place(buffer, sample, slot, n);
                    }
                } catch (Throwable e) {
                    failure.accumulateAndGet(new Failure(slot, e), (a, b) -> a == null || b.slot() < a.slot() ? b : a);
                }
                if (left.decrementAndGet() == 0) {
                    if (failure.get() != null) {
                        done.completeExceptionally(failure.get().error());
                    } else {
                        done.complete(null);
                    }
                }
            }));
        }
        filled.add(done);
        tasks.add(submitted);
    }

    private void place(FloatBuffer buffer, float[] sample, int slot, int n) {
        if (batchAxis == 0) {
            buffer.put(slot * sampleSize, sample, 0, sampleSize);
            return;
        }
        int steps = data.shape().dim(0);
        int step = sampleSize / steps;
        for (int t = 0; t < steps; t++) {
            buffer.put((t * n + slot) * step, sample, t * step, step);
        }
    }

    private static void await(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new UserInputException("reading data failed: " + cause);
        }
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading data", e);
        } catch (ExecutionException e) {
            await(CompletableFuture.failedFuture(e.getCause()));
        }
    }

    private static ThreadFactory daemons() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "qsvit-data-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
    }
}
