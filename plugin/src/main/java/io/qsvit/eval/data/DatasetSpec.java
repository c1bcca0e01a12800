package io.qsvit.eval.data;

import java.util.Objects;

/**
 * What {@link Datasets#open} needs besides the path: the format (AUTO to detect it), the IDX split, the image
 * shape the model expects (null where unknown; libsvm and image folders need it, the other formats are checked
 * against it) and the libsvm index base.
 */
public record DatasetSpec(DataFormat format, String split, ImageShape shape, LibsvmDataset.IndexBase indexBase) {
    public DatasetSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(indexBase, "indexBase");
    }

    /** Detect the format, IDX split t10k, shape unknown, libsvm index base detected. */
    public static DatasetSpec detect() {
        return new DatasetSpec(DataFormat.AUTO, IdxDataset.TEST_SPLIT, null, LibsvmDataset.IndexBase.AUTO);
    }

    public DatasetSpec withFormat(DataFormat format) {
        return new DatasetSpec(format, split, shape, indexBase);
    }

    public DatasetSpec withSplit(String split) {
        return new DatasetSpec(format, split, shape, indexBase);
    }

    public DatasetSpec withShape(ImageShape shape) {
        return new DatasetSpec(format, split, shape, indexBase);
    }

    public DatasetSpec withIndexBase(LibsvmDataset.IndexBase indexBase) {
        return new DatasetSpec(format, split, shape, indexBase);
    }
}
