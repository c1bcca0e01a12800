package io.qsvit.eval.data;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.qsvit.eval.data.TestImages.labels;
import static io.qsvit.eval.data.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubsetTest {
    private static final Dataset BUNDLED = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT);

    private static int[] perClass(Dataset data) {
        int[] counts = new int[10];
        for (int i = 0; i < data.size(); i++) {
            counts[data.label(i)]++;
        }
        return counts;
    }

    @Test
    void stratifiedKeepsEachClassShareRoundedDownOrUp() {
        // the 2000 images have [200, 203, 214, 190, 219, 195, 197, 200, 194, 188] per class; shares of 200 are
        // 20, 20.3, 21.4, 19, 21.9, 19.5, 19.7, 20, 19.4, 18.8 and the 4 places left go to the largest remainders
        Dataset subset = Subset.stratified(200, 7).of(BUNDLED);
        assertEquals(200, subset.size());
        assertArrayEquals(new int[] {20, 20, 21, 19, 22, 20, 20, 20, 19, 19}, perClass(subset));
    }

    @Test
    void sameSeedSameImagesOtherSeedOtherImages() {
        int[] first = Subset.stratified(200, 7).indices(BUNDLED);
        assertArrayEquals(first, Subset.stratified(200, 7).indices(BUNDLED));
        int[] other = Subset.stratified(200, 8).indices(BUNDLED);
        assertFalse(Arrays.equals(first, other));
        assertArrayEquals(perClass(BUNDLED.select(first)), perClass(BUNDLED.select(other)));
        for (int i = 1; i < first.length; i++) {
            assertTrue(first[i - 1] < first[i], "ascending original order");
        }
    }

    @Test
    void chosenImagesKeepTheirPixelsAndLabels() {
        int[] indices = Subset.stratified(5, 1).indices(BUNDLED);
        Dataset subset = Subset.stratified(5, 1).of(BUNDLED);
        float[] expected = new float[784];
        float[] actual = new float[784];
        for (int i = 0; i < indices.length; i++) {
            BUNDLED.read(indices[i], expected);
            subset.read(i, actual);
            assertArrayEquals(expected, actual);
            assertEquals(BUNDLED.label(indices[i]), subset.label(i));
        }
    }

    @Test
    void tiesInRemaindersGoToTheSmallerClassId() {
        // classes 0 and 1 have 2 images each: shares of 3 are 1.5 and 1.5, the extra place goes to class 0
        Dataset data = new MemoryDataset(new float[4], new int[] {1, 0, 1, 0}, 1, 1, 1);
        for (long seed = 0; seed < 5; seed++) {
            int[] chosen = labels(Subset.stratified(3, seed).of(data));
            assertEquals(2, Arrays.stream(chosen).filter(l -> l == 0).count(), "seed " + seed);
        }
    }

    @Test
    void allImagesIsTheWholeSetAndFirstIsAPrefix() {
        assertArrayEquals(pixels(BUNDLED), pixels(Subset.stratified(2000, 3).of(BUNDLED)));
        assertArrayEquals(new int[] {0, 1, 2}, Subset.first(3).indices(BUNDLED));
        assertArrayEquals(labels(BUNDLED.first(10)), labels(Subset.first(10).of(BUNDLED)));
    }

    @Test
    void sizesOutsideTheDataAreRejected() {
        assertEquals("cannot take a stratified subset of 2001 from 2000 images", assertThrows(UserInputException.class,
                () -> Subset.stratified(2001, 1).of(BUNDLED)).getMessage());
        assertEquals("cannot take the first 0 of 2000 images",
                assertThrows(UserInputException.class, () -> Subset.first(0).of(BUNDLED)).getMessage());
    }

    @Test
    void describesItself() {
        assertEquals("first 100", Subset.first(100).toString());
        assertEquals("stratified 200 (seed 7)", Subset.stratified(200, 7).toString());
    }
}
