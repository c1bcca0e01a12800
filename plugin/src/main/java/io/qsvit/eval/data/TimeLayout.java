package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.util.Locale;

/**
 * Where a model with a time axis wants it: [N, T, C, H, W] (batch first) or [T, N, C, H, W] (time first, as
 * SpikingJelly's multi-step modules take it). AUTO reads it from the model's input shape: the symbolic one of
 * the first two dimensions is the batch; when both are fixed (or both symbolic) the batch comes first.
 */
public enum TimeLayout {
    AUTO, NTCHW, TNCHW;

    public static TimeLayout parse(String name) {
        for (TimeLayout layout : values()) {
            if (layout.toString().equals(name.toLowerCase(Locale.ROOT))) {
                return layout;
            }
        }
        throw new UserInputException("unknown time layout '" + name + "' (auto, ntchw or tnchw)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
