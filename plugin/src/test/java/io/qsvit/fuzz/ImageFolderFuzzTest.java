package io.qsvit.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.qsvit.eval.data.ImageFolderDataset;
import io.qsvit.eval.data.ImageShape;

import java.nio.file.Path;

/** A folder of class folders holding one image file of any format ImageIO reads, for 1x4x4 or 3x4x4 images. */
class ImageFolderFuzzTest {
    static final FuzzFiles FILES = new FuzzFiles("images");
    static final String[] IMAGE_NAMES = {"a.png", "a.jpg", "a.bmp", "a.gif", "a.webp"};

    @FuzzTest(maxDuration = "5s")
    void read(byte[] input) {
        Parts data = new Parts(input);
        Path folder = FILES.fresh();
        int channels = data.choice(2) == 0 ? 1 : 3;
        String name = IMAGE_NAMES[data.choice(IMAGE_NAMES.length)];
        FuzzFiles.write(folder.resolve("0").resolve(name), data.rest());
        FuzzProperty.check(() -> {
            ImageFolderDataset images = ImageFolderDataset.load(folder, new ImageShape(channels, 4, 4));
            images.read(0, new float[images.shape().size()]); // the file is decoded when its sample is read
            return images;
        }, read -> FuzzProperty.require(read.size() == 1 && read.shape().size() == channels * 16, "one image"));
    }

    public static void fuzzerTestOneInput(byte[] input) {
        new ImageFolderFuzzTest().read(input);
    }
}
