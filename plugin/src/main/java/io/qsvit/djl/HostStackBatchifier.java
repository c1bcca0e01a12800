package io.qsvit.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;

import java.util.Arrays;

/**
 * DJL's stack batchifier for one float tensor per item, done on Java arrays: DJL's OnnxRuntime engine has no
 * stack or split operator of its own. Items [d1, ...] become a batch [n, d1, ...] and back, or, stacked on axis 1
 * for time-major models, items [T, d2, ...] a batch [T, n, d2, ...]. (DJL wraps an image translator for Path, URL
 * and serving inputs with the translator's batchifier, or stacking when it has none, so even single images go
 * through here.)
 */
final class HostStackBatchifier implements Batchifier {
    private static final long serialVersionUID = 1L;

    /** 0, or 1 for time-major batches. */
    private final int axis;

    HostStackBatchifier() {
        this(0);
    }

    HostStackBatchifier(int axis) {
        if (axis != 0 && axis != 1) {
            throw new IllegalArgumentException("items are stacked on axis 0 or 1, not " + axis);
        }
        this.axis = axis;
    }

    @Override
    public NDList batchify(NDList[] inputs) {
        NDArray first = inputs[0].singletonOrThrow();
        int size = Math.toIntExact(first.size());
        float[] batch = new float[inputs.length * size];
        for (int i = 0; i < inputs.length; i++) {
            NDArray item = inputs[i].singletonOrThrow();
            if (!item.getShape().equals(first.getShape())) {
                throw new IllegalArgumentException("cannot batch items of shapes " + first.getShape() + " and " + item.getShape());
            }
            float[] values = item.toFloatArray();
            int outer = axis == 0 ? 1 : Math.toIntExact(first.getShape().get(0));
            int step = size / outer;
            for (int t = 0; t < outer; t++) {
                System.arraycopy(values, t * step, batch, (t * inputs.length + i) * step, step);
            }
        }
        long[] itemDims = first.getShape().getShape();
        long[] dims = new long[itemDims.length + 1];
        for (int d = 0, k = 0; d < dims.length; d++) {
            dims[d] = d == axis ? inputs.length : itemDims[k++];
        }
        return new NDList(first.getManager().create(batch, new Shape(dims)));
    }

    @Override
    public NDList[] unbatchify(NDList inputs) {
        NDArray batch = inputs.singletonOrThrow();
        // model outputs (class scores) are batch-first whatever the input's layout
        int n = Math.toIntExact(batch.getShape().get(0));
        Shape itemShape = batch.getShape().slice(1);
        int size = Math.toIntExact(itemShape.size());
        float[] values = batch.toFloatArray();
        NDList[] items = new NDList[n];
        for (int i = 0; i < n; i++) {
            items[i] = new NDList(batch.getManager().create(Arrays.copyOfRange(values, i * size, (i + 1) * size), itemShape));
        }
        return items;
    }
}
