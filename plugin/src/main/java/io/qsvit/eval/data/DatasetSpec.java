package io.qsvit.eval.data;

import io.qsvit.eval.image.Preprocessing;

import java.util.Objects;

/**
 * What {@link Datasets#open} needs besides the path: the format (AUTO to detect it), the IDX split, the sample
 * shape the model expects (null where unknown; libsvm and image folders need it, the other formats are checked
 * against it), the libsvm index base, the preprocessing of image files and how event recordings become frames.
 */
public record DatasetSpec(DataFormat format, String split, SampleShape shape, LibsvmDataset.IndexBase indexBase,
                          Preprocessing preprocessing, EventOptions events) {
    public DatasetSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(indexBase, "indexBase");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(events, "events");
    }

    public DatasetSpec(DataFormat format, String split, SampleShape shape, LibsvmDataset.IndexBase indexBase,
                       Preprocessing preprocessing) {
        this(format, split, shape, indexBase, preprocessing, EventOptions.DEFAULT);
    }

    /**
     * Detect the format, IDX split t10k, shape unknown, libsvm index base detected, no preprocessing, default event
     * frames.
     */
    public static DatasetSpec detect() {
        return new DatasetSpec(DataFormat.AUTO, IdxDataset.TEST_SPLIT, null, LibsvmDataset.IndexBase.AUTO,
                Preprocessing.NONE);
    }

    public DatasetSpec withFormat(DataFormat format) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing, events);
    }

    public DatasetSpec withSplit(String split) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing, events);
    }

    public DatasetSpec withShape(SampleShape shape) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing, events);
    }

    public DatasetSpec withShape(ImageShape shape) {
        return withShape(shape == null ? null : shape.sample());
    }

    public DatasetSpec withIndexBase(LibsvmDataset.IndexBase indexBase) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing, events);
    }

    public DatasetSpec withPreprocessing(Preprocessing preprocessing) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing, events);
    }

    public DatasetSpec withEvents(EventOptions events) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing, events);
    }
}
