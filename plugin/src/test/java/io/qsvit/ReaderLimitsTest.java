package io.qsvit;

import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.ImageFolderDataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.LibsvmDataset;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.search.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each reader of outside input stays within {@link InputLimits}: a hostile file fails fast and small. */
class ReaderLimitsTest {
    @TempDir
    Path dir;

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void anIdxHeaderDeclaringGigabytesCostsOnlyWhatTheFileHolds() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16).put(new byte[] {0, 0, 8, 3}).putInt(60_000).putInt(200).putInt(150);
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(ByteBuffer.allocate(16 + 1000).put(header.array()).array()));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 3});
        long before = allocated();
        UserInputException e = assertThrows(UserInputException.class, () -> IdxDataset.load(dir, "t10k"));
        assertTrue((allocated() - before) < 64 << 20, "allocated " + ((allocated() - before) >> 20) + " MB");
        assertTrue(e.getMessage().endsWith("IDX shape [60000, 200, 150] needs 1800000000 bytes of data, the file has "
                + "1000 (truncated)"), e.getMessage());
        // a compressed tail that goes on and on is counted up to a bound, not expanded without end
        byte[] image = ByteBuffer.allocate(16 + 4).put(new byte[] {0, 0, 8, 3}).putInt(1).putInt(2).putInt(2)
                .put(new byte[4]).array();
        byte[] withTail = new byte[image.length + (64 << 20)];
        System.arraycopy(image, 0, withTail, 0, image.length);
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(withTail));
        e = assertThrows(UserInputException.class, () -> IdxDataset.load(dir, "t10k"));
        assertTrue(e.getMessage().endsWith("IDX shape [1, 2, 2] needs 4 bytes of data, the file has more than 1048580"),
                e.getMessage());
    }

    @Test
    void aLibsvmLineLongerThanTheLimitIsRefusedByItsNumber() throws IOException {
        Path file = dir.resolve("data.libsvm");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("0 1:0.5\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = " 2:0.25".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
            out.write('1');
            for (long written = 0; written <= InputLimits.LINE_CHARS; written += chunk.length) {
                out.write(chunk);
            }
        }
        UserInputException e = assertThrows(UserInputException.class, () -> LibsvmDataset.load(file, SampleShape.of(1, 4, 4)));
        assertEquals(file + ": line 2 is longer than " + InputLimits.LINE_CHARS + " characters", e.getMessage());
    }

    @Test
    void aJournalLineThatIsNotUtf8IsDroppedLikeAnyCorruptedLine() throws IOException {
        Path file = dir.resolve(".out.journal");
        try (Journal journal = Journal.open(file)) {
            journal.append("a", Map.of("accuracy", 0.5));
        }
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);
        try (Journal journal = Journal.open(file)) {
            assertEquals(1, journal.size());
            assertEquals(List.of(file + " line 2 is corrupted; its work will be done again"), journal.problems());
        }
    }

    @Test
    void anImageDeclaringAHugeCanvasIsRefusedBeforeDecoding() throws IOException {
        // a PNG whose header declares 100000 x 100000 pixels (40 GB of pixels), with no image data
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(100_000).putInt(100_000).put(new byte[] {8, 0, 0, 0, 0});
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IEND", new byte[0]);
        Path image = Files.write(Files.createDirectories(dir.resolve("images/0")).resolve("huge.png"), png.toByteArray());
        long before = allocated();
        ImageFolderDataset images = ImageFolderDataset.load(dir.resolve("images"), new ImageShape(1, 4, 4));
        // files are decoded when their samples are read
        UserInputException e = assertThrows(UserInputException.class, () -> images.read(0, new float[16]));
        assertEquals(image + " declares 100000x100000 pixels; images of at most " + InputLimits.IMAGE_PIXELS
                + " pixels are read", e.getMessage());
        assertTrue((allocated() - before) < 64 << 20);
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
