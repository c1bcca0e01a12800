package io.qsvit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qsvit.Examples;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 item 4: {@code qsvit run} through every step (sensitivity, bounds, explore, apply, evaluate) once per
 * data format, on the same 40 Fashion-MNIST test images written as IDX, NPY, libsvm and an image folder. The
 * four carry the same pixel values, so every step must reach the same numbers whatever the format; explore
 * used to fail on libsvm and image folders ("libsvm data needs the image shape").
 */
class RunEveryFormatTest {
    private static final int IMAGES = 40;

    @TempDir
    static Path dir;

    static Map<String, Path> formats = new LinkedHashMap<>();

    @BeforeAll
    static void writeTheSameImagesInEveryFormat() throws IOException {
        Dataset idx = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(IMAGES);
        byte[] pixels = new byte[IMAGES * 784];
        long[] labels = new long[IMAGES];
        float[] sample = new float[784];
        StringBuilder libsvm = new StringBuilder("# the first 40 bundled Fashion-MNIST test images, 1-based features\n");
        Path folder = dir.resolve("images");
        for (int i = 0; i < IMAGES; i++) {
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
        Files.write(npy.resolve("images.npy"), npy("|u1", "(" + IMAGES + ", 28, 28)", pixels));
        ByteBuffer labelBytes = ByteBuffer.allocate(8 * IMAGES).order(ByteOrder.LITTLE_ENDIAN);
        for (long label : labels) {
            labelBytes.putLong(label);
        }
        Files.write(npy.resolve("labels.npy"), npy("<i8", "(" + IMAGES + ",)", labelBytes.array()));
        formats.put("idx", Examples.subset());
        formats.put("npy", npy);
        formats.put("libsvm", Files.writeString(dir.resolve("fashion.libsvm"), libsvm));
        formats.put("images", folder);
        Files.writeString(dir.resolve("pipeline.yaml"), "schema: qsvit.pipeline/v1\ndata: {limit: " + IMAGES + "}\n"
                + "threads: 2\nrequirement: {max_drop: 0.05}\nsensitivity: {precisions: [uniform8, uniform4]}\n");
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

    private static JsonNode metadata(Path out, String step) throws IOException {
        return new ObjectMapper().readTree(out.resolve(step).resolve("metadata.json").toFile());
    }

    @Test
    void everyStepRunsOnEveryFormatWithTheSameResults() throws IOException {
        Map<String, List<Object>> results = new LinkedHashMap<>();
        for (Map.Entry<String, Path> format : formats.entrySet()) {
            Path out = dir.resolve("out-" + format.getKey());
            QsvitCliTest.Run run = QsvitCliTest.run("run", "--model", Examples.model("sdtv2").toString(),
                    "--data", format.getValue().toString(), "--out", out.toString(),
                    "--config", dir.resolve("pipeline.yaml").toString(),
                    "--cache-dir", dir.resolve("cache-" + format.getKey()).toString());
            assertEquals(0, run.exit(), format.getKey() + ": " + run.err() + run.out());
            for (String step : List.of("sensitivity", "bounds", "explore", "apply", "evaluate")) {
                assertTrue(run.out().lines().anyMatch(l -> l.startsWith(step + " ") && l.contains("computed")),
                        format.getKey() + " " + step + ":\n" + run.out());
            }
            JsonNode evaluate = metadata(out, "evaluate").path("results");
            assertEquals(IMAGES, evaluate.at("/model/images").asInt(), format.getKey());
            results.put(format.getKey(), List.of(
                    metadata(out, "sensitivity").path("results").toString(),
                    metadata(out, "explore").at("/results/chosen/setting").toString(),
                    evaluate.at("/model/accuracy").asDouble(),
                    evaluate.at("/baseline/accuracy").asDouble()));
        }
        List<Object> idx = results.get("idx");
        results.forEach((format, values) -> assertEquals(idx, values, format + " differs from idx"));
    }
}
