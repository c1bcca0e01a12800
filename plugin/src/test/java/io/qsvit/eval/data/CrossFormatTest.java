package io.qsvit.eval.data;

import io.qsvit.Examples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static io.qsvit.eval.data.NpyFiles.float32;
import static io.qsvit.eval.data.NpyFiles.int64;
import static io.qsvit.eval.data.TestImages.labels;
import static io.qsvit.eval.data.NpyFiles.npy;
import static io.qsvit.eval.data.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first 20 bundled Fashion-MNIST images, written in every format, read back to the same values. */
class CrossFormatTest {
    private static final int N = 20;
    private static final ImageShape SHAPE = new ImageShape(1, 28, 28);
    private static Dataset idx;
    private static float[] pixels;
    private static int[] labels;

    @TempDir
    Path dir;

    @BeforeAll
    static void readIdx() {
        idx = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(N);
        pixels = pixels(idx);
        labels = labels(idx);
    }

    private static byte[] bytes() {
        byte[] bytes = new byte[pixels.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Math.round(pixels[i] * 255);
        }
        return bytes;
    }

    private static void assertSameAsIdx(Dataset data) {
        assertEquals(SHAPE.sample(), data.shape());
        assertArrayEquals(labels, labels(data));
        assertArrayEquals(pixels, pixels(data));
    }

    private Path npyFolder(byte[] images, String descr, int... shape) throws IOException {
        Files.write(dir.resolve("x.npy"), npy(descr, shape, images));
        long[] classes = Arrays.stream(labels).asLongStream().toArray();
        Files.write(dir.resolve("y.npy"), npy("<i8", new int[] {N}, int64(classes)));
        return dir;
    }

    @Test
    void npyUint8() throws IOException {
        assertSameAsIdx(Datasets.open(npyFolder(bytes(), "|u1", N, 28, 28), DatasetSpec.detect()));
    }

    @Test
    void npyFloat32Nchw() throws IOException {
        byte[] floats = float32(ByteOrder.LITTLE_ENDIAN, pixels);
        assertSameAsIdx(Datasets.open(npyFolder(floats, "<f4", N, 1, 28, 28), DatasetSpec.detect()));
    }

    @Test
    void npyFloat32Nhwc() throws IOException {
        byte[] floats = float32(ByteOrder.BIG_ENDIAN, pixels);
        assertSameAsIdx(Datasets.open(npyFolder(floats, ">f4", N, 28, 28, 1), DatasetSpec.detect()));
    }

    /** Sparse lines (zeros left out), as sklearn's dump_svmlight_file writes them. */
    private Path libsvm(int firstIndex) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < N; i++) {
            text.append(labels[i]);
            for (int f = 0; f < 784; f++) {
                float value = pixels[i * 784 + f];
                if (value != 0) {
                    text.append(' ').append(f + firstIndex).append(':').append(value);
                }
            }
            text.append('\n');
        }
        return Files.writeString(dir.resolve("fashion.libsvm"), text);
    }

    @Test
    void libsvmOneBased() throws IOException {
        assertSameAsIdx(Datasets.open(libsvm(1), DatasetSpec.detect().withShape(SHAPE)));
    }

    @Test
    void libsvmZeroBasedStated() throws IOException {
        // the first pixel is 0 in all 20 images, so only the stated base tells this file from a 1-based one
        DatasetSpec spec = DatasetSpec.detect().withShape(SHAPE).withIndexBase(LibsvmDataset.IndexBase.ZERO);
        assertSameAsIdx(Datasets.open(libsvm(0), spec));
    }

    @Test
    void pngFolders() throws IOException {
        byte[] bytes = bytes();
        List<String> names = List.of("0-top", "1-trouser", "2-pullover", "3-dress", "4-coat", "5-sandal", "6-shirt",
                "7-sneaker", "8-bag", "9-boot");
        for (String name : names) {
            Files.createDirectories(dir.resolve(name));
        }
        for (int i = 0; i < N; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setDataElements(0, 0, 28, 28, Arrays.copyOfRange(bytes, i * 784, (i + 1) * 784));
            Path file = dir.resolve(names.get(labels[i])).resolve(String.format("%05d.png", i));
            ImageIO.write(image, "png", file.toFile());
        }
        Dataset data = Datasets.open(dir, DatasetSpec.detect().withShape(SHAPE));
        assertEquals(names, data.classNames());
        // an image folder lists images by class, then by file name: the IDX images ordered by (label, index)
        int[] byClass = IntStream.range(0, N).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> labels[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        Dataset expected = idx.select(byClass);
        assertArrayEquals(labels(expected), labels(data));
        assertArrayEquals(pixels(expected), pixels(data));
    }
}
