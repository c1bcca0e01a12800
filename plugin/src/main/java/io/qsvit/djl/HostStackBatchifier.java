package io.qsvit.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;

import java.util.Arrays;

/**
 * DJL's stack batchifier for one float tensor per item, done on Java arrays: DJL's OnnxRuntime engine has no
 * stack or split operator of its own. Items [d1, ...] become a batch [n, d1, ...] and back. (DJL wraps an image
 * translator for Path, URL and serving inputs with the translator's batchifier, or stacking when it has none,
 * so even single images go through here.)
 */
final class HostStackBatchifier implements Batchifier {
    private static final long serialVersionUID = 1L;

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
            System.arraycopy(item.toFloatArray(), 0, batch, i * size, size);
        }
        long[] dims = new long[first.getShape().dimension() + 1];
        dims[0] = inputs.length;
        System.arraycopy(first.getShape().getShape(), 0, dims, 1, dims.length - 1);
        return new NDList(first.getManager().create(batch, new Shape(dims)));
    }

    @Override
    public NDList[] unbatchify(NDList inputs) {
        NDArray batch = inputs.singletonOrThrow();
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
