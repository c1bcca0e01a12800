package io.qsvit.quant;

import java.util.Arrays;

/**
 * A row-major tensor seen as [outer, channels, inner] around its channel axis: element (o, c, i) sits at
 * index (o * channels + c) * inner + i, so one pass visits each channel in contiguous runs of {@code inner}
 * values, whatever position the axis has. Per-tensor quantization is the layout with one channel.
 */
record ChannelLayout(int outer, int channels, int inner) {

    /** The layout for {@code axis} of {@code shape}, or the one-channel layout when axis is -1. */
    static ChannelLayout of(int[] shape, int axis) {
        long size = elementCount(shape);
        if (axis < -1 || axis >= shape.length) {
            throw new IllegalArgumentException("channel axis " + axis + " outside shape " + Arrays.toString(shape));
        }
        if (axis == -1) {
            return new ChannelLayout(1, 1, (int) size);
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape[d];
        }
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return new ChannelLayout((int) outer, shape[axis], (int) inner);
    }

    /**
     * The axis that scales run along: {@code axis} when the scheme is per-channel and the caller knows the
     * output-channel axis, else -1 (per-tensor).
     */
    static int effectiveAxis(Scheme scheme, int[] shape, int axis) {
        if (axis < -1 || axis >= shape.length) {
            throw new IllegalArgumentException("channel axis " + axis + " outside shape " + Arrays.toString(shape));
        }
        return scheme.perChannel() ? axis : -1;
    }

    /** Number of elements of a shape; rejects negative dimensions and sizes beyond a Java array. */
    static long elementCount(int[] shape) {
        long size = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= dim;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds a Java array");
            }
        }
        return size;
    }

    int size() {
        return outer * channels * inner;
    }
}
