package io.qsvit;

import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first N bundled Fashion-MNIST test images written in every data format qsvit reads (IDX as bundled,
 * NPY, libsvm, an image folder of PNGs), all with the same pixel values, for tests that run a step on each.
 */
public final class EveryFormat {
    private EveryFormat() {
    }

    /** Format name -> data path, in the order idx, npy, libsvm, images. */
    public static Map<String, Path> write(Path dir, int images) throws IOException {
        Dataset idx = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(images);
        byte[] pixels = new byte[images * 784];
        long[] labels = new long[images];
        float[] sample = new float[784];
        StringBuilder libsvm = new StringBuilder("# the first " + images + " bundled Fashion-MNIST test images, 1-based features\n");
        Path folder = dir.resolve("images");
        for (int i = 0; i < images; i++) {
            idx.read(i, sample);
            labels[i] = idx.label(i);
            libsvm.append(idx.label(i));
            BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 784; p++) {
                int value = Math.round(sample[p] * 255);
                pixels[i * 784 + p] = (byte) value;
                png.getRaster().setSample(p % 28, p / 28, 0, value);
                if (value != 0) {
                    libsvm.append(' ').append(p + 1).append(':').append(Float.toString(sample[p]));
                }
            }
            libsvm.append('\n');
            Path file = Files.createDirectories(folder.resolve(Integer.toString(idx.label(i))))
                    .resolve(String.format("%03d.png", i));
            ImageIO.write(png, "png", file.toFile());
        }
        Path npy = Files.createDirectories(dir.resolve("npy"));
        Files.write(npy.resolve("images.npy"), npy("|u1", "(" + images + ", 28, 28)", pixels));
        ByteBuffer labelBytes = ByteBuffer.allocate(8 * images).order(ByteOrder.LITTLE_ENDIAN);
        for (long label : labels) {
            labelBytes.putLong(label);
        }
        Files.write(npy.resolve("labels.npy"), npy("<i8", "(" + images + ",)", labelBytes.array()));
        Map<String, Path> formats = new LinkedHashMap<>();
        formats.put("idx", Examples.subset());
        formats.put("npy", npy);
        formats.put("libsvm", Files.writeString(dir.resolve("fashion.libsvm"), libsvm));
        formats.put("images", folder);
        return formats;
    }

    /** An .npy file (format 1.0) of C-order data. */
    static byte[] npy(String descr, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int padded = (10 + dict.length() + 1 + 63) / 64 * 64 - 10;
        String header = dict + " ".repeat(padded - dict.length() - 1) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (padded & 0xff), (byte) (padded >> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(data);
        return out.toByteArray();
    }
}
