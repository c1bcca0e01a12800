package io.qsvit.eval.data;

import java.util.List;

/**
 * Images as loaded, with the class names where the data names its classes (image folders: the sub-folder
 * names, in class-id order); other formats only have class ids and give an empty list.
 */
public record LoadedData(LabeledImages images, List<String> classNames) {
    public LoadedData {
        classNames = List.copyOf(classNames);
    }

    public static LoadedData unnamed(LabeledImages images) {
        return new LoadedData(images, List.of());
    }

    /** The name of class {@code label}, or the id itself where the data has no names. */
    public String className(int label) {
        return label >= 0 && label < classNames.size() ? classNames.get(label) : Integer.toString(label);
    }
}
