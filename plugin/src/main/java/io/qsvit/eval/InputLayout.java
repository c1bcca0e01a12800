package io.qsvit.eval;

import io.qsvit.UserInputException;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.data.TimeLayout;

import java.util.Arrays;

/**
 * Where the batch axis of a model's input is, and its time axis if it has one: images come as [N, C, H, W]
 * (batch first, no time); a rank-5 input is taken as event frames with a time axis, [N, T, C, H, W] or
 * [T, N, C, H, W] (see {@link TimeLayout} for how AUTO decides). A sample is the input without its batch
 * axis, so event samples are [T, C, H, W] in either layout; time-major batches are laid out by
 * {@link io.qsvit.eval.data.SampleBatches}.
 *
 * @param batchAxis 0, or 1 for [T, N, C, H, W]
 * @param timeAxis  the time axis of the input, -1 for none
 */
public record InputLayout(int batchAxis, int timeAxis) {
    public static final InputLayout BATCH_FIRST = new InputLayout(0, -1);
    public static final int TIME_RANK = 5;

    /** The layout of an input of {@code shape} (-1 or 0 for symbolic dimensions), as {@code requested}. */
    public static InputLayout of(long[] shape, TimeLayout requested, Object model) {
        if (shape.length != TIME_RANK) {
            if (requested != TimeLayout.AUTO) {
                throw new UserInputException("--time-layout " + requested + " is for models whose input has a time"
                        + " axis ([N, T, C, H, W] or [T, N, C, H, W]); " + model + " takes " + text(shape));
            }
            return BATCH_FIRST;
        }
        TimeLayout layout = requested;
        if (layout == TimeLayout.AUTO) {
            layout = shape[0] > 0 && shape[1] <= 0 ? TimeLayout.TNCHW : TimeLayout.NTCHW;
        }
        return layout == TimeLayout.TNCHW ? new InputLayout(1, 0) : new InputLayout(0, 1);
    }

    public boolean hasTime() {
        return timeAxis >= 0;
    }

    /** The layout's name: nchw-style for images, ntchw or tnchw for a time axis. */
    public String name() {
        return !hasTime() ? "batch-first" : batchAxis == 0 ? TimeLayout.NTCHW.toString() : TimeLayout.TNCHW.toString();
    }

    /**
     * The sample shape (the input without its batch axis); a symbolic time axis takes {@code frames} when it
     * is positive. Null where a dimension stays symbolic.
     */
    public SampleShape sampleShape(long[] shape, int frames) {
        long[] filled = filled(shape, frames);
        if (filled.length < 2) {
            return null;
        }
        int[] dims = new int[filled.length - 1];
        for (int i = 0, d = 0; i < filled.length; i++) {
            if (i == batchAxis) {
                continue;
            }
            if (filled[i] <= 0 || filled[i] > Integer.MAX_VALUE) {
                return null;
            }
            dims[d++] = (int) filled[i];
        }
        return SampleShape.of(dims);
    }

    /** The batch size the input fixes, or 0 where it is symbolic. */
    public long fixedBatch(long[] shape) {
        return Math.max(0, shape[batchAxis]);
    }

    /** The input with a symbolic batch set to {@code batch} and a symbolic time axis to {@code frames}. */
    public long[] concrete(long[] shape, long batch, int frames, Object model) {
        long[] dims = filled(shape, frames);
        if (dims[batchAxis] <= 0) {
            dims[batchAxis] = batch;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new UserInputException(model + ": input dimension " + i + " of " + text(shape) + " is symbolic"
                        + (i == timeAxis ? " (the time axis; give --frames T)" : " and not the batch"));
            }
        }
        return dims;
    }

    /** Refuses data whose samples do not fit the input (symbolic dimensions fit anything). */
    public void checkFits(long[] shape, SampleShape samples, String inputName) {
        int[] wanted = samples.dims();
        boolean fits = wanted.length + 1 == shape.length;
        for (int i = 0, d = 0; fits && i < shape.length; i++) {
            if (i != batchAxis) {
                fits = shape[i] <= 0 || shape[i] == wanted[d++];
            }
        }
        if (!fits) {
            throw new UserInputException("data samples are " + samples + " but the model input '" + inputName
                    + "' is " + text(shape) + (hasTime() ? " (" + name() + ")" : ""));
        }
    }

    private long[] filled(long[] shape, int frames) {
        long[] dims = shape.clone();
        if (hasTime() && frames > 0) {
            if (dims[timeAxis] > 0 && dims[timeAxis] != frames) {
                throw new UserInputException("--frames " + frames + " but the model's time axis is fixed at "
                        + dims[timeAxis]);
            }
            dims[timeAxis] = frames;
        }
        return dims;
    }

    private static String text(long[] shape) {
        return Arrays.toString(Arrays.stream(shape).mapToObj(d -> d > 0 ? Long.toString(d) : "?").toArray());
    }
}
