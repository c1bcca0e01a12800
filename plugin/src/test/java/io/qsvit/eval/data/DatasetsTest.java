package io.qsvit.eval.data;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.qsvit.eval.data.NpyFiles.int64;
import static io.qsvit.eval.data.TestImages.labels;
import static io.qsvit.eval.data.NpyFiles.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetsTest {
    private static final ImageShape GREY = new ImageShape(1, 2, 3);

    @TempDir
    Path dir;

    private Path npyFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve("x.npy"), npy("|u1", new int[] {1, 2, 3}, new byte[6]));
        Files.write(folder.resolve("y.npy"), npy("<i8", new int[] {1}, int64(4)));
        return folder;
    }

    private String error(Path path, DatasetSpec spec) {
        return assertThrows(UserInputException.class, () -> Datasets.open(path, spec)).getMessage();
    }

    @Test
    void detectsEachFormatFromWhatThePathHolds() throws IOException {
        assertEquals(DataFormat.IDX, Datasets.detect(Examples.subset()));
        assertEquals(DataFormat.NPY, Datasets.detect(npyFolder(dir.resolve("npy"))));
        assertEquals(DataFormat.LIBSVM, Datasets.detect(Files.writeString(dir.resolve("d.SVM"), "0 1:1\n")));
        assertEquals(DataFormat.LIBSVM, Datasets.detect(Files.writeString(dir.resolve("d.txt"), "0 1:1\n")));
        ImageFolderDatasetTest.greyPng(dir.resolve("pics/cat/a.png"), 0);
        assertEquals(DataFormat.IMAGES, Datasets.detect(dir.resolve("pics")));
    }

    @Test
    void imagePreprocessingIsForImageFilesOnly() {
        assertEquals("image preprocessing (preset imagenet) applies to image folders; idx data " + Examples.subset()
                + " is read as stored (use --preset none)", error(Examples.subset(),
                DatasetSpec.detect().withPreprocessing(io.qsvit.eval.image.Preprocessing.IMAGENET)));
    }

    @Test
    void readingIsTheSameOnEveryThreadAndInAnyOrder() {
        Dataset data = Datasets.open(Examples.subset(), DatasetSpec.detect()).first(64);
        float[][] forward = new float[64][];
        SampleBatches.forEach(data, 1, (i, sample) -> forward[i] = sample.clone());
        float[][] parallel = new float[64][];
        SampleBatches.forEach(data.select(java.util.stream.IntStream.range(0, 64).map(i -> 63 - i).toArray()), 4,
                (i, sample) -> parallel[63 - i] = sample.clone());
        for (int i = 0; i < 64; i++) {
            assertArrayEquals(forward[i], parallel[i]);
        }
    }

    @Test
    void undetectablePathsAreExplained() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "0,1\n");
        assertEquals("cannot tell the data format of " + csv + " from its name (libsvm files end in .libsvm, .svm,"
                + " .svmlight or .txt); give --format", assertThrows(UserInputException.class,
                () -> Datasets.detect(csv)).getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve(".hidden.npy"), "");
        assertEquals("cannot tell the data format of folder " + empty + ": it holds no .npy files, no"
                + " *-images-idx3-ubyte[.gz], no .aedat recordings and no class sub-folders", error(empty, DatasetSpec.detect()));
        Path missing = dir.resolve("absent");
        assertEquals("data path not found: " + missing, error(missing, DatasetSpec.detect()));
    }

    @Test
    void opensIdxWithTheSplitAsBefore() {
        Dataset data = Datasets.open(Examples.subset(), DatasetSpec.detect());
        assertEquals(2000, data.size());
        assertEquals(List.of(), data.classNames());
        assertEquals("9", data.className(9));
        assertEquals("no train-images-idx3-ubyte[.gz] in " + Examples.subset(),
                error(Examples.subset(), DatasetSpec.detect().withSplit("train")));
    }

    @Test
    void statedFormatOverridesDetection() throws IOException {
        Path folder = npyFolder(dir.resolve("both"));
        ImageFolderDatasetTest.greyPng(folder.resolve("b/a.png"), 0);
        ImageFolderDatasetTest.greyPng(folder.resolve("c/a.png"), 0);
        assertArrayEquals(new int[] {4}, labels(Datasets.open(folder, DatasetSpec.detect())));
        Dataset images = Datasets.open(folder, DatasetSpec.detect().withFormat(DataFormat.IMAGES).withShape(GREY));
        assertEquals(List.of("b", "c"), images.classNames());
        assertArrayEquals(new int[] {0, 1}, labels(images));
    }

    @Test
    void libsvmNeedsTheShapeAndHonoursTheIndexBase() throws IOException {
        Path file = Files.writeString(dir.resolve("d.libsvm"), "1 2:1\n");
        assertEquals("libsvm data needs the sample shape (the model input's, or given)", error(file, DatasetSpec.detect()));
        DatasetSpec spec = DatasetSpec.detect().withShape(new ImageShape(1, 1, 3));
        assertArrayEquals(new float[] {0, 1, 0}, TestImages.pixels(Datasets.open(file, spec)));
        assertArrayEquals(new float[] {0, 0, 1}, TestImages.pixels(
                Datasets.open(file, spec.withIndexBase(LibsvmDataset.IndexBase.ZERO))));
    }

    @Test
    void loadedShapeMustMatchTheExpectedOne() throws IOException {
        Path folder = npyFolder(dir.resolve("npy"));
        assertEquals(GREY.sample(), Datasets.open(folder, DatasetSpec.detect().withShape(GREY)).shape());
        assertEquals(Examples.subset() + " holds samples of shape 1x28x28 but the model takes 3x28x28",
                error(Examples.subset(), DatasetSpec.detect().withShape(new ImageShape(3, 28, 28))));
    }

    @Test
    void aSingleNpyFileIsPointedToItsFolder() throws IOException {
        Path file = npyFolder(dir.resolve("npy")).resolve("x.npy");
        assertEquals(file + " is not a folder; NPY data is a folder with images.npy and labels.npy (or x.npy and"
                + " y.npy)", error(file, DatasetSpec.detect()));
    }

    @Test
    void formatNamesParseInAnyCase() {
        assertEquals(DataFormat.NPY, DataFormat.parse("NPY"));
        assertEquals(DataFormat.IMAGES, DataFormat.parse("images"));
        assertEquals("unknown data format 'csv' (auto, idx, npy, libsvm, images or events)",
                assertThrows(UserInputException.class, () -> DataFormat.parse("csv")).getMessage());
        assertEquals("image shape 0x28x28 (channels x height x width) must be positive",
                assertThrows(UserInputException.class, () -> new ImageShape(0, 28, 28)).getMessage());
    }
}
