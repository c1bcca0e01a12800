package io.qsvit.eval.data;

import io.qsvit.eval.image.Preprocessing;

import java.util.Objects;

/**
 * What {@link Datasets#open} needs besides the path: the format (AUTO to detect it), the IDX split, the sample
 * shape the model expects (null where unknown; libsvm and image folders need it, the other formats are checked
 * against it), the libsvm index base and the preprocessing of image files.
 */
public record DatasetSpec(DataFormat format, String split, SampleShape shape, LibsvmDataset.IndexBase indexBase,
                          Preprocessing preprocessing) {
    public DatasetSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(indexBase, "indexBase");
        Objects.requireNonNull(preprocessing, "preprocessing");
    }

    /** Detect the format, IDX split t10k, shape unknown, libsvm index base detected, no preprocessing. */
    public static DatasetSpec detect() {
        return new DatasetSpec(DataFormat.AUTO, IdxDataset.TEST_SPLIT, null, LibsvmDataset.IndexBase.AUTO,
                Preprocessing.NONE);
    }

    public DatasetSpec withFormat(DataFormat format) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing);
    }

    public DatasetSpec withSplit(String split) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing);
    }

    public DatasetSpec withShape(SampleShape shape) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing);
    }

    public DatasetSpec withShape(ImageShape shape) {
        return withShape(shape == null ? null : shape.sample());
    }

    public DatasetSpec withIndexBase(LibsvmDataset.IndexBase indexBase) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing);
    }

    public DatasetSpec withPreprocessing(Preprocessing preprocessing) {
        return new DatasetSpec(format, split, shape, indexBase, preprocessing);
    }
}
