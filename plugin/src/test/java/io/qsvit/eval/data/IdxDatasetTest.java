package io.qsvit.eval.data;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdxDatasetTest {
    @Test
    void bundledSubsetIsTheFirst2000FashionMnistTestImages() {
        Dataset data = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT);
        assertEquals(2000, data.size());
        assertEquals(784, data.shape().size());
        int[] firstLabels = new int[10];
        int[] perClass = new int[10];
        for (int i = 0; i < data.size(); i++) {
            perClass[data.label(i)]++;
            if (i < 10) {
                firstLabels[i] = data.label(i);
            }
        }
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, firstLabels);
        assertArrayEquals(new int[] {200, 203, 214, 190, 219, 195, 197, 200, 194, 188}, perClass);
        float[] pixels = TestImages.pixels(data);
        double sum = 0;
        for (float p : pixels) {
            sum += Math.round(p * 255);
        }
        assertEquals(114_763_281, sum, 0.0); // byte sum of the image file's payload
    }

    @Test
    void firstTakesAPrefix() {
        Dataset data = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(3);
        assertEquals(3, data.size());
        assertEquals(1, data.label(2));
        assertEquals("cannot take the first 4 of 3 samples",
                assertThrows(UserInputException.class, () -> data.first(4)).getMessage());
    }

    @Test
    void missingSplitNamesTheFileItLookedFor(@TempDir Path dir) {
        assertEquals("no train-images-idx3-ubyte[.gz] in " + dir,
                assertThrows(UserInputException.class, () -> IdxDataset.load(dir, "train")).getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxArrayTest.smallIdx());
        byte[] labels = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 0};
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels);
        assertEquals(dir + " (t10k): 2 images but 3 labels",
                assertThrows(UserInputException.class, () -> IdxDataset.load(dir, "t10k")).getMessage());
    }
}
