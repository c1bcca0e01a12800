package io.qsvit.eval.data;

import io.qsvit.UserInputException;

import java.util.Locale;

/** The data formats {@link Datasets#open} reads; AUTO tells it to decide from what the path holds. */
public enum DataFormat {
    AUTO, IDX, NPY, LIBSVM, IMAGES, EVENTS;

    /** The format a command-line name (any case) stands for. */
    public static DataFormat parse(String name) {
        for (DataFormat format : values()) {
            if (format.toString().equals(name.toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new UserInputException("unknown data format '" + name + "' (auto, idx, npy, libsvm, images or events)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
