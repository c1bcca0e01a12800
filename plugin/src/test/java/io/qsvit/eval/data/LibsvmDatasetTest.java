package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.data.LibsvmDataset.IndexBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.qsvit.eval.data.TestImages.labels;
import static io.qsvit.eval.data.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LibsvmDatasetTest {
    private static final ImageShape TWO_BY_TWO = new ImageShape(1, 2, 2);

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("data.svm"), text);
    }

    private String error(String text, IndexBase base) throws IOException {
        Path file = write(text);
        return assertThrows(UserInputException.class, () -> LibsvmDataset.load(file, TWO_BY_TWO.sample(), base)).getMessage();
    }

    @Test
    void oneBasedSparseLinesFillTheImages() throws IOException {
        Dataset data = LibsvmDataset.load(write("1 1:0.5 4:1\n0 2:-0.25\n"), TWO_BY_TWO.sample());
        assertEquals(TWO_BY_TWO.sample(), data.shape());
        assertArrayEquals(new int[] {1, 0}, labels(data));
        assertArrayEquals(new float[] {0.5f, 0, 0, 1, 0, -0.25f, 0, 0}, pixels(data));
    }

    @Test
    void anIndexZeroMakesTheFileZeroBased() throws IOException {
        Dataset data = LibsvmDataset.load(write("1 1:0.5 3:1\n0 0:2\n"), TWO_BY_TWO.sample());
        assertArrayEquals(new float[] {0, 0.5f, 0, 1, 2, 0, 0, 0}, pixels(data));
    }

    @Test
    void statedBaseOverridesDetection() throws IOException {
        Path file = write("1 1:0.5 3:1\n");
        assertArrayEquals(new float[] {0, 0.5f, 0, 1},
                pixels(LibsvmDataset.load(file, TWO_BY_TWO.sample(), IndexBase.ZERO)));
        assertArrayEquals(new float[] {0.5f, 0, 1, 0}, pixels(LibsvmDataset.load(file, TWO_BY_TWO.sample(), IndexBase.ONE)));
    }

    @Test
    void commentsBlankLinesQidAndDecimalLabelsAreAccepted() throws IOException {
        Path file = write("# written by hand\n\n3.0 qid:7 2:1 # trailing comment\n  +2\t4:0.75  \n");
        Dataset data = LibsvmDataset.load(file, TWO_BY_TWO.sample());
        assertArrayEquals(new int[] {3, 2}, labels(data));
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 0, 0.75f}, pixels(data));
    }

    @Test
    void labelsMustBeClassIds() throws IOException {
        Path file = dir.resolve("data.svm");
        assertEquals(file + ":2: label '2.5' is not a class id (an integer 0..K-1)",
                error("1 1:1\n2.5 1:1\n", IndexBase.AUTO));
        assertEquals(file + ":1: label '-1' is not a class id (an integer 0..K-1)", error("-1 1:1\n", IndexBase.AUTO));
        assertEquals(file + ":1: label 'cat' is not a class id (an integer 0..K-1)", error("cat 1:1\n", IndexBase.AUTO));
    }

    @Test
    void indicesBeyondTheShapeAreRejected() throws IOException {
        Path file = dir.resolve("data.svm");
        assertEquals(file + ":2: feature index 5 is beyond the 4 features of 1x2x2 samples",
                error("0 1:1\n0 5:1\n", IndexBase.AUTO));
        assertEquals(file + ":1: feature index 4 is beyond the 4 features of 1x2x2 samples",
                error("0 4:1\n", IndexBase.ZERO));
        assertEquals(file + ":1: feature index 4 is beyond the 4 features of 1x2x2 samples (indices are 0-based:"
                + " index 0 appears on line 3)", error("0 4:1\n1 2:1\n1 0:1\n", IndexBase.AUTO));
        assertEquals(file + ":1: feature index 0 in a file read with 1-based indices",
                error("0 0:1\n", IndexBase.ONE));
        assertEquals(file + ":1: feature index -2 is negative", error("0 -2:1\n", IndexBase.AUTO));
    }

    @Test
    void malformedFeaturesNameTheLine() throws IOException {
        Path file = dir.resolve("data.svm");
        assertEquals(file + ":1: 'x:1' is not index:value", error("0 x:1\n", IndexBase.AUTO));
        assertEquals(file + ":1: '3' is not index:value", error("0 3\n", IndexBase.AUTO));
        assertEquals(file + ":2: value 'abc' of feature 2 is not a number", error("0 1:1\n0 2:abc\n", IndexBase.AUTO));
        assertEquals(file + ":1: feature index 2 appears twice", error("0 2:1 3:1 2:0\n", IndexBase.AUTO));
    }

    @Test
    void emptyAndMissingFiles() throws IOException {
        Path file = dir.resolve("data.svm");
        assertEquals(file + " holds no examples", error("# nothing\n\n", IndexBase.AUTO));
        Path missing = dir.resolve("absent.svm");
        assertEquals("libsvm file not found: " + missing,
                assertThrows(UserInputException.class, () -> LibsvmDataset.load(missing, TWO_BY_TWO.sample())).getMessage());
    }
}
