package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.eval.data.IdxDataset;

import java.nio.file.Path;

/** An IDX pair (images and labels, gzip or not), as evaluate --format idx reads a folder. */
class IdxFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("idx");

    @FuzzTest(maxDuration = "5s")
    void read(byte[] input) {
        Parts data = new Parts(input);
        Path folder = FILES.fresh();
        FuzzFiles.write(folder.resolve("t10k-labels-idx1-ubyte"), data.part());
        FuzzFiles.write(folder.resolve("t10k-images-idx3-ubyte"), data.rest());
        FuzzProperty.check(() -> IdxDataset.load(folder, IdxDataset.TEST_SPLIT), images -> {
            FuzzProperty.require(images.size() >= 0 && images.shape().size() > 0, "a shape");
            float[] sample = new float[images.shape().size()];
            for (int i = 0; i < images.size(); i++) {
                FuzzProperty.require(images.label(i) >= 0, "labels are class ids");
                images.read(i, sample); // samples are read lazily: reading is part of the reader
            }
        });
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new IdxFuzzTest().read(input);
    }
}
