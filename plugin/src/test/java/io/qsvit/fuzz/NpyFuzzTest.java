package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.eval.data.NpyDataset;

import java.nio.file.Path;

/** A pair of NumPy arrays (images.npy, labels.npy), as evaluate --format npy reads a folder. */
class NpyFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("npy");

    @FuzzTest(maxDuration = "5s")
    void read(byte[] input) {
        Parts data = new Parts(input);
        Path folder = FILES.fresh();
        Path labels = FuzzFiles.write(folder.resolve("labels.npy"), data.part());
        Path images = FuzzFiles.write(folder.resolve("images.npy"), data.rest());
        FuzzProperty.check(() -> NpyDataset.load(images, labels), read -> {
            FuzzProperty.require(read.shape().size() > 0, "a shape");
            float[] sample = new float[read.shape().size()];
            for (int i = 0; i < read.size(); i++) {
                FuzzProperty.require(read.label(i) >= 0, "labels are class ids");
                read.read(i, sample); // samples are read from the file by position
            }
        });
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new NpyFuzzTest().read(input);
    }
}
