package io.qsvit.eval.events;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.EventFiles.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventReadersTest {
    @TempDir
    Path dir;

    private static void assertSame(Events expected, EventStream actual) {
        Events got = Events.of(actual);
        assertArrayEquals(expected.x(), got.x(), "x");
        assertArrayEquals(expected.y(), got.y(), "y");
        assertArrayEquals(expected.t(), got.t(), "t");
        assertArrayEquals(expected.p(), got.p(), "p");
    }

    private String error(Runnable read) {
        return assertThrows(UserInputException.class, read::run).getMessage();
    }

    @Test
    void nmnistRoundTripsThroughOverflowMarkers() throws IOException {
        // 20,000 events over about 20 s: the 23-bit timestamp overflows, so the writer puts in markers
        Events events = EventFiles.random(new Random(1), 20_000, 34, 34, 0, 2_000);
        assertTrue(events.t()[events.size() - 1] > 1L << 23);
        Path file = EventFiles.write(dir.resolve("a.bin"), EventFiles.nmnist(events));
        assertSame(events, NmnistBinary.read(file));
    }

    @Test
    void nmnistOverflowMarkerAddsTwoToTheThirteenthToLaterEvents() throws IOException {
        byte[] bytes = {
            3, 4, (byte) 0x80, 0, 5,          // ON at (3, 4), t 5
            0, (byte) 240, 0, 0, 0,           // overflow marker
            7, 8, 0, 1, 2,                    // OFF at (7, 8), raw t 258
            0, (byte) 240, 0, 0, 0,
            0, (byte) 240, 0, 0, 0,
            33, 33, (byte) 0xff, (byte) 0xff, (byte) 0xff};   // ON at (33, 33), raw t 2^23 - 1
        EventStream s = NmnistBinary.read(EventFiles.write(dir.resolve("m.bin"), bytes));
        assertSame(new Events(new int[] {3, 7, 33}, new int[] {4, 8, 33},
                new long[] {5, 258 + 8192, (1L << 23) - 1 + 3 * 8192}, new int[] {1, 0, 1}), s);
    }

    @Test
    void nmnistCutMidEventNamesTheFile() throws IOException {
        byte[] whole = EventFiles.nmnist(EventFiles.random(new Random(2), 10, 34, 34, 0, 10));
        Path file = EventFiles.write(dir.resolve("cut.bin"), Arrays.copyOf(whole, whole.length - 2));
        assertEquals(file + " is cut mid-event: 48 bytes is not a whole number of 5-byte N-MNIST events"
                + " (3 bytes left over)", error(() -> NmnistBinary.read(file)));
    }

    @Test
    void timestampsGoingBackwardsAreRefused() throws IOException {
        Events events = new Events(new int[] {1, 2, 3}, new int[] {1, 2, 3}, new long[] {10, 30, 20}, new int[] {0, 1, 0});
        Path bin = EventFiles.write(dir.resolve("back.bin"), EventFiles.nmnist(events));
        assertEquals(bin + ": timestamps go backwards at event 2 (20 us after 30 us); events must be in time order",
                error(() -> NmnistBinary.read(bin)));
        Path aedat = EventFiles.write(dir.resolve("back.aedat"), EventFiles.aedat2(events));
        assertTrue(error(() -> Aedat2.read(aedat)).startsWith(aedat + ": timestamps go backwards at event 2"));
        Path aedat3 = EventFiles.write(dir.resolve("back3.aedat"), EventFiles.aedat31(events, 100));
        assertTrue(error(() -> Aedat31.read(aedat3)).startsWith(aedat3 + ": timestamps go backwards at event 2"));
    }

    @Test
    void aedat2RoundTripsInCifar10DvsOrientation() throws IOException {
        Events events = EventFiles.random(new Random(3), 5_000, 128, 128, 1_000_000, 300);
        Path file = EventFiles.write(dir.resolve("cifar10_cat_0.aedat"), EventFiles.aedat2(events));
        assertSame(events, Aedat2.read(file));
    }

    @Test
    void aedat2AddressBitsMapToTheDatasetOrientation() throws IOException {
        // address: row 5 (bits 8-14), column 9 (bits 1-7), bit 0 set (OFF on a DVS128): x = 122, y = 118, ON = 0
        byte[] bytes = ("#!AER-DAT2.0\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] event = {0, 0, 5, (byte) (9 << 1 | 1), 0, 0, 1, 0};
        byte[] file = Arrays.copyOf(bytes, bytes.length + 8);
        System.arraycopy(event, 0, file, bytes.length, 8);
        EventStream s = Aedat2.read(EventFiles.write(dir.resolve("one.aedat"), file));
        assertSame(new Events(new int[] {122}, new int[] {118}, new long[] {256}, new int[] {0}), s);
    }

    @Test
    void aedat2CutMidEventAndWrongVersionsAreRefused() throws IOException {
        byte[] whole = EventFiles.aedat2(EventFiles.random(new Random(4), 10, 128, 128, 0, 10));
        Path cut = EventFiles.write(dir.resolve("cut.aedat"), Arrays.copyOf(whole, whole.length - 3));
        assertTrue(error(() -> Aedat2.read(cut)).startsWith(cut + " is cut mid-event: 77 data bytes"));
        Path plain = EventFiles.write(dir.resolve("plain.aedat"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(plain + " is not an AEDAT file (it does not start with #!AER-DAT)", error(() -> Aedat2.read(plain)));
        Path v4 = EventFiles.write(dir.resolve("v4.aedat"), "#!AER-DAT4.0\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(v4 + " is AEDAT 4.0; AEDAT 2.0 and 3.1 are read", error(() -> Aedat2.read(v4)));
        Path v3 = EventFiles.write(dir.resolve("v3.aedat"), EventFiles.aedat31(EventFiles.random(new Random(5), 3,
                128, 128, 0, 10), 10));
        assertEquals(v3 + " is AEDAT 3.1, not 2.0", error(() -> Aedat2.read(v3)));
    }

    @Test
    void aedat31RoundTripsAcrossOverflowPacketsSkippingInvalidAndOtherEvents() throws IOException {
        // timestamps from just below 2^31 to past it: the packets' overflow counter must widen them
        Events events = EventFiles.random(new Random(6), 3_000, 128, 128, (1L << 31) - 1_000_000, 800);
        assertTrue(events.t()[events.size() - 1] > 1L << 31);
        Path file = EventFiles.write(dir.resolve("user01_fluorescent.aedat"), EventFiles.aedat31(events, 512));
        assertSame(events, Aedat31.read(file));
    }

    @Test
    void aedat31CutMidPacketAndMissingHeaderEndAreRefused() throws IOException {
        byte[] whole = EventFiles.aedat31(EventFiles.random(new Random(7), 100, 128, 128, 0, 10), 40);
        Path cut = EventFiles.write(dir.resolve("cut.aedat"), Arrays.copyOf(whole, whole.length - 5));
        assertTrue(error(() -> Aedat31.read(cut)).startsWith(cut + " is cut mid-packet: packet 3 is incomplete"),
                error(() -> Aedat31.read(cut)));
        Path noEnd = EventFiles.write(dir.resolve("noend.aedat"),
                "#!AER-DAT3.1\r\n#Format: RAW\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(noEnd + ": the AEDAT 3.1 header has no #!END-HEADER line (file cut short?)",
                error(() -> Aedat31.read(noEnd)));
    }

    @Test
    void gestureLabelsAreWindowsWithClassesFromOne() throws IOException {
        Path csv = Files.writeString(dir.resolve("user01_fluorescent_labels.csv"),
                EventFiles.labels(List.of(new long[] {1, 100, 200}, new long[] {11, 250, 400})));
        assertEquals(List.of(new GestureLabels.Window(0, 100, 200), new GestureLabels.Window(10, 250, 400)),
                GestureLabels.read(csv));
        assertEquals(csv, GestureLabels.of(dir.resolve("user01_fluorescent.aedat")));
    }

    @Test
    void badLabelFilesNameTheFileAndLine() throws IOException {
        Path missing = dir.resolve("user02_led_labels.csv");
        assertEquals("label file not found: " + missing, error(() -> GestureLabels.read(missing)));
        Path twoFields = Files.writeString(dir.resolve("a.csv"), "class,startTime_usec,endTime_usec\n1,100\n");
        assertEquals(twoFields + ": line 2 has 2 fields; class,startTime_usec,endTime_usec expected",
                error(() -> GestureLabels.read(twoFields)));
        Path empty = Files.writeString(dir.resolve("b.csv"), "class,startTime_usec,endTime_usec\n3,500,400\n");
        assertEquals(empty + ": line 2 has the window 500..400 us, which is empty or negative",
                error(() -> GestureLabels.read(empty)));
        Path zero = Files.writeString(dir.resolve("c.csv"), "class,startTime_usec,endTime_usec\n0,1,2\n");
        assertEquals(zero + ": line 2 has class 0; classes are numbered from 1", error(() -> GestureLabels.read(zero)));
        Path text = Files.writeString(dir.resolve("d.csv"), "class,startTime_usec,endTime_usec\n1,x,2\n");
        assertEquals(text + ": line 2 has 'x' where a whole number is expected", error(() -> GestureLabels.read(text)));
    }

    @Test
    void missingEventFileIsNamed() {
        Path missing = dir.resolve("none.bin");
        assertEquals("event file not found: " + missing, error(() -> NmnistBinary.read(missing)));
    }
}
