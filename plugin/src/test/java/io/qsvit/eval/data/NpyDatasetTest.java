package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.qsvit.eval.data.NpyFiles.float32;
import static io.qsvit.eval.data.NpyFiles.float64;
import static io.qsvit.eval.data.NpyFiles.int32;
import static io.qsvit.eval.data.NpyFiles.int64;
import static io.qsvit.eval.data.TestImages.labels;
import static io.qsvit.eval.data.NpyFiles.npy;
import static io.qsvit.eval.data.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NpyDatasetTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private String error(Path images, Path labels) {
        return assertThrows(UserInputException.class, () -> NpyDataset.load(images, labels)).getMessage();
    }

    /** Two 2 x 3 grey images holding bytes 0..11, labels int64 [1, 0]. */
    private Dataset smallUint8() throws IOException {
        byte[] bytes = new byte[12];
        for (int i = 0; i < 12; i++) {
            bytes[i] = (byte) (i * 20);
        }
        return NpyDataset.load(write("images.npy", npy("|u1", new int[] {2, 2, 3}, bytes)),
                write("labels.npy", npy("<i8", new int[] {2}, int64(1, 0))));
    }

    @Test
    void uint8ImagesAreScaledToUnitRange() throws IOException {
        Dataset data = smallUint8();
        assertEquals(new ImageShape(1, 2, 3).sample(), data.shape());
        assertArrayEquals(new int[] {1, 0}, labels(data));
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = i * 20 / 255.0f;
        }
        assertArrayEquals(expected, pixels(data));
    }

    @Test
    void bigEndianFloat32NchwIsTakenAsItIs() throws IOException {
        float[] values = {-1.5f, 0f, 2.25f, 7f, 0.5f, 3f, 1e-3f, -2f};
        Dataset data = NpyDataset.load(
                write("x.npy", npy(">f4", new int[] {2, 2, 1, 2}, float32(ByteOrder.BIG_ENDIAN, values))),
                write("y.npy", npy("<i4", new int[] {2}, int32(4, 9))));
        assertEquals(new ImageShape(2, 1, 2).sample(), data.shape());
        assertArrayEquals(values, pixels(data));
        assertArrayEquals(new int[] {4, 9}, labels(data));
    }

    @Test
    void float64IsNarrowedToFloat32AndUint8LabelsWork() throws IOException {
        Dataset data = NpyDataset.load(write("x.npy", npy("<f8", new int[] {1, 1, 2}, float64(0.1, 0.75))),
                write("y.npy", npy("|u1", new int[] {1}, new byte[] {(byte) 200})));
        assertArrayEquals(new float[] {0.1f, 0.75f}, pixels(data));
        assertArrayEquals(new int[] {200}, labels(data));
    }

    @Test
    void nhwcIsTransposedToNchw() throws IOException {
        // one 2 x 2 RGB image, [n, h, w, c]: value = 10 * pixel + channel
        float[] nhwc = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
        Dataset data = NpyDataset.load(
                write("x.npy", npy("<f4", new int[] {1, 2, 2, 3}, float32(ByteOrder.LITTLE_ENDIAN, nhwc))),
                write("y.npy", npy("<i8", new int[] {1}, int64(0))));
        assertEquals(new ImageShape(3, 2, 2).sample(), data.shape());
        assertArrayEquals(new float[] {0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32}, pixels(data));
    }

    @Test
    void secondDimensionOfOneOrThreeMeansNchwEvenIfTheLastIsToo() throws IOException {
        float[] values = new float[18];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Dataset data = NpyDataset.load(
                write("x.npy", npy("<f4", new int[] {1, 3, 2, 3}, float32(ByteOrder.LITTLE_ENDIAN, values))),
                write("y.npy", npy("<i8", new int[] {1}, int64(0))));
        assertEquals(new ImageShape(3, 2, 3).sample(), data.shape());
        assertArrayEquals(values, pixels(data));
    }

    @Test
    void headerVersions2And3HaveFourByteLengths() throws IOException {
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 2), }";
        for (int major : new int[] {2, 3}) {
            Dataset data = NpyDataset.load(write("x" + major + ".npy", npy(major, dict, new byte[] {0, -1})),
                    write("y.npy", npy("<i8", new int[] {1}, int64(3))));
            assertArrayEquals(new float[] {0f, 1f}, pixels(data));
        }
    }

    @Test
    void headerParserAcceptsNumpyVariants() throws IOException {
        // key order, double quotes, no trailing comma and Python 2 longs all occur in real files
        String dict = "{\"shape\": (1L, 1L, 1L), \"fortran_order\": False, \"descr\": \"|u1\"}";
        Dataset data = NpyDataset.load(write("x.npy", npy(1, dict, new byte[] {51})),
                write("y.npy", npy("<i8", new int[] {1}, int64(0))));
        assertArrayEquals(new float[] {0.2f}, pixels(data));
    }

    @Test
    void folderWithImagesAndLabelsOrXAndY() throws IOException {
        smallUint8();
        assertArrayEquals(new int[] {1, 0}, labels(NpyDataset.load(dir)));
        Path other = Files.createDirectory(dir.resolve("xy"));
        Files.move(dir.resolve("images.npy"), other.resolve("x.npy"));
        Files.move(dir.resolve("labels.npy"), other.resolve("y.npy"));
        assertEquals(new ImageShape(1, 2, 3).sample(), NpyDataset.load(other).shape());
    }

    @Test
    void folderErrorsNameWhatIsMissingOrDoubled() throws IOException {
        write("images.npy", new byte[0]);
        assertEquals("no labels.npy or y.npy in " + dir,
                assertThrows(UserInputException.class, () -> NpyDataset.load(dir)).getMessage());
        write("x.npy", new byte[0]);
        assertEquals(dir + " holds both images.npy and x.npy; keep one",
                assertThrows(UserInputException.class, () -> NpyDataset.load(dir)).getMessage());
        assertEquals(dir.resolve("x.npy") + " is not a folder; NPY data is a folder with images.npy and labels.npy"
                        + " (or x.npy and y.npy)",
                assertThrows(UserInputException.class, () -> NpyDataset.load(dir.resolve("x.npy"))).getMessage());
    }

    @Test
    void badMagicIsRejected() throws IOException {
        Path images = write("x.npy", "PK\u0003\u0004 a zip, maybe an npz".getBytes());
        Path labels = write("y.npy", npy("<i8", new int[] {1}, int64(0)));
        assertEquals(images + " is not a .npy file (bad magic string)", error(images, labels));
        Path empty = write("e.npy", new byte[3]);
        assertEquals(empty + " is not a .npy file (bad magic string)", error(empty, labels));
    }

    @Test
    void unknownVersionIsRejected() throws IOException {
        byte[] bytes = npy("|u1", new int[] {1, 1, 1}, new byte[1]);
        bytes[6] = 4;
        Path images = write("x.npy", bytes);
        assertEquals(images + ": .npy format version 4.0 is not supported (only 1.0, 2.0 and 3.0)",
                error(images, write("y.npy", npy("<i8", new int[] {1}, int64(0)))));
    }

    @Test
    void unsupportedDtypesAreNamed() throws IOException {
        Path labels = write("y.npy", npy("<i8", new int[] {1}, int64(0)));
        Path half = write("x.npy", npy("<f2", new int[] {1, 1, 1}, new byte[2]));
        assertEquals(half + ": dtype '<f2' is not supported for images (use float32, float64 or uint8)",
                error(half, labels));
        Path ints = write("i.npy", npy("<i8", new int[] {1, 1, 1}, int64(1)));
        assertEquals(ints + ": dtype '<i8' is not supported for images (use float32, float64 or uint8)",
                error(ints, labels));
        Path images = write("ok.npy", npy("|u1", new int[] {1, 1, 1}, new byte[1]));
        Path floatLabels = write("f.npy", npy("<f4", new int[] {1}, float32(ByteOrder.LITTLE_ENDIAN, 1f)));
        assertEquals(floatLabels + ": dtype '<f4' is not supported for labels (use an integer type: uint8, int32"
                + " or int64)", error(images, floatLabels));
    }

    @Test
    void structuredDtypeIsRejected() throws IOException {
        Path images = write("x.npy", npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[4]));
        assertEquals(images + ": structured (record) dtypes are not supported, only plain numeric arrays",
                error(images, images));
    }

    @Test
    void fortranOrderIsRejected() throws IOException {
        Path images = write("x.npy", npy(1, "{'descr': '|u1', 'fortran_order': True, 'shape': (1, 2, 2), }",
                new byte[4]));
        assertEquals(images + ": Fortran-order arrays are not supported (save a C-order array, e.g."
                + " np.ascontiguousarray(a))", error(images, write("y.npy", npy("<i8", new int[] {1}, int64(0)))));
    }

    @Test
    void unparsableHeaderIsShown() throws IOException {
        Path labels = write("y.npy", npy("<i8", new int[] {1}, int64(0)));
        Path noShape = write("a.npy", npy(1, "{'descr': '|u1', 'fortran_order': False}", new byte[1]));
        assertEquals(noShape + ": cannot parse the .npy header (it needs 'descr', 'fortran_order' and 'shape'):"
                + " {'descr': '|u1', 'fortran_order': False}", error(noShape, labels));
        Path garbage = write("b.npy", npy(1, "{'descr': '|u1', 'fortran_order': maybe, 'shape': (1,)}",
                new byte[1]));
        assertEquals(garbage + ": cannot parse the .npy header (unexpected 'm' at offset 34): {'descr': '|u1',"
                + " 'fortran_order': maybe, 'shape': (1,)}", error(garbage, labels));
        Path badShape = write("c.npy", npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (-1, 2, 2)}",
                new byte[1]));
        assertEquals(badShape + ": cannot parse the .npy header ('shape' must hold sizes from 0 to 2147483647):"
                + " {'descr': '|u1', 'fortran_order': False, 'shape': (-1, 2, 2)}", error(badShape, labels));
    }

    @Test
    void shortDataSaysHowManyBytesWereNeededAndFound() throws IOException {
        Path images = write("x.npy", npy("<f4", new int[] {2, 2, 2}, new byte[30]));
        assertEquals(images + ": shape [2, 2, 2] of '<f4' needs 32 bytes of data, the file has 30 (truncated)",
                error(images, write("y.npy", npy("<i8", new int[] {2}, int64(0, 1)))));
        Path longer = write("l.npy", npy("|u1", new int[] {1, 1, 2}, new byte[3]));
        assertEquals(longer + ": shape [1, 1, 2] of '|u1' needs 2 bytes of data, the file has 3",
                error(longer, write("y.npy", npy("<i8", new int[] {1}, int64(0)))));
    }

    @Test
    void labelAndImageCountsMustAgree() throws IOException {
        Path images = write("x.npy", npy("|u1", new int[] {2, 1, 1}, new byte[2]));
        Path labels = write("y.npy", npy("<i8", new int[] {3}, int64(0, 1, 2)));
        assertEquals(images + " has 2 images but " + labels + " has 3 labels", error(images, labels));
    }

    @Test
    void negativeLabelsAreRejected() throws IOException {
        Path images = write("x.npy", npy("|u1", new int[] {3, 1, 1}, new byte[3]));
        Path labels = write("y.npy", npy("<i4", new int[] {3}, int32(0, 2, -1)));
        assertEquals(labels + ": label -1 at index 2 is not a class id (0..K-1)", error(images, labels));
    }

    @Test
    void shapesMustFitImagesAndLabels() throws IOException {
        Path labels = write("y.npy", npy("<i8", new int[] {2}, int64(0, 1)));
        Path flat = write("x.npy", npy("|u1", new int[] {2, 4}, new byte[8]));
        assertEquals(flat + ": images must have shape [n, height, width] or [n, channels, height, width] (or NHWC),"
                + " found [2, 4]", error(flat, labels));
        Path images = write("ok.npy", npy("|u1", new int[] {2, 1, 1}, new byte[2]));
        Path oneHot = write("h.npy", npy("<i8", new int[] {2, 2}, int64(1, 0, 0, 1)));
        assertEquals(oneHot + ": labels must have shape [n], found [2, 2]", error(images, oneHot));
    }

    @Test
    void missingFileIsNamed() throws IOException {
        Path missing = dir.resolve("absent.npy");
        assertEquals("NPY file not found: " + missing,
                error(missing, write("y.npy", npy("<i8", new int[] {1}, int64(0)))));
    }

    @Test
    void readsSixtyThousandMnistSizedImages() throws IOException {
        int n = 60_000;
        byte[] bytes = new byte[n * 784];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 251);
        }
        long[] classes = new long[n];
        Arrays.setAll(classes, i -> i % 10);
        Dataset data = NpyDataset.load(write("x.npy", npy("|u1", new int[] {n, 28, 28}, bytes)),
                write("y.npy", npy("<i8", new int[] {n}, int64(classes))));
        assertEquals(n, data.size());
        assertEquals(9, data.label(n - 1));
        float[] last = new float[784];
        data.read(n - 1, last);
        assertEquals(((n - 1) * 784 + 783) % 251 / 255.0f, last[783]);
    }
}
