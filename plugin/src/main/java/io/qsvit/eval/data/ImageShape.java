package io.qsvit.eval.data;

import io.qsvit.UserInputException;

/** The size of one image: channels x height x width, the per-image part of an NCHW tensor. */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new UserInputException("image shape " + channels + "x" + height + "x" + width
                    + " (channels x height x width) must be positive");
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new UserInputException("image shape " + channels + "x" + height + "x" + width + " is too large");
        }
    }

    /** This shape as a sample shape [channels, height, width]. */
    public SampleShape sample() {
        return SampleShape.of(channels, height, width);
    }

    /** Values in one image. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
