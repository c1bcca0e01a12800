package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.LibsvmDataset;
import io.qsvit.eval.data.SampleShape;

import java.nio.file.Path;

/** A libsvm file read for a model with 1x4x4 images. */
class LibsvmFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("libsvm");

    @FuzzTest(maxDuration = "5s")
    void read(byte[] bytes) {
        Path file = FuzzFiles.write(FILES.fresh().resolve("data.libsvm"), bytes);
        FuzzProperty.check(() -> LibsvmDataset.load(file, SampleShape.of(1, 4, 4)), images -> {
            FuzzProperty.require(images.shape().size() == 16, "the model's shape");
            float[] sample = new float[16];
            for (int i = 0; i < images.size(); i++) {
                FuzzProperty.require(images.label(i) >= 0, "labels are class ids");
                images.read(i, sample); // a line is parsed again when its sample is read
            }
        });
    }

    public static void fuzzerTestOneInput(byte[] bytes) {
        new LibsvmFuzzTest().read(bytes);
    }
}
