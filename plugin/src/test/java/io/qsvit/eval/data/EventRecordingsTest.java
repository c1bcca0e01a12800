package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.EventFiles;
import io.qsvit.eval.events.EventFiles.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A recording given as bytes (a served request, no file name) is told by its content and read by its format's
 * reader: the same events as the file of that format, and the same one-line reasons for damaged bytes.
 */
class EventRecordingsTest {
    @TempDir
    Path dir;

    @Test
    void bytesOfEveryFormatGiveTheEventsOfItsFile() throws IOException {
        Events events = EventFiles.random(new Random(11), 700, 128, 128, 5, 400);
        Map<String, byte[]> formats = Map.of("n.bin", EventFiles.nmnist(events), "v2.aedat", EventFiles.aedat2(events),
                "v31.aedat", EventFiles.aedat31(events, 128), "t.npy", TonicEvents.tonic(events));
        for (Map.Entry<String, byte[]> format : formats.entrySet()) {
            Path file = EventFiles.write(dir.resolve(format.getKey()), format.getValue());
            Events fromFile = Events.of(EventRecordings.read(file));
            Events fromBytes = Events.of(EventRecordings.parse(format.getValue(), Path.of("request")));
            assertEquals(700, fromBytes.size(), format.getKey());
            assertArrayEquals(fromFile.x(), fromBytes.x(), format.getKey());
            assertArrayEquals(fromFile.y(), fromBytes.y(), format.getKey());
            assertArrayEquals(fromFile.t(), fromBytes.t(), format.getKey());
            assertArrayEquals(fromFile.p(), fromBytes.p(), format.getKey());
            assertArrayEquals(events.t(), fromBytes.t(), format.getKey());
        }
    }

    @Test
    void damagedBytesGiveTheirFormatsReason() {
        Events events = EventFiles.random(new Random(12), 30, 34, 34, 0, 100);
        byte[] npy = TonicEvents.tonic(events);
        assertEquals("request is cut mid-event: 30 events of " + (npy.length - headerBytes(npy)) / 30 + " bytes need "
                        + (npy.length - headerBytes(npy)) + " bytes, " + (npy.length - headerBytes(npy) - 7) + " are there",
                error(Arrays.copyOf(npy, npy.length - 7)));
        assertEquals("request is cut mid-event: 148 bytes is not a whole number of 5-byte N-MNIST events (3 bytes left"
                + " over)", error(Arrays.copyOf(EventFiles.nmnist(events), 148)));
        assertEquals("request is AEDAT 9.0; AEDAT 2.0 and 3.1 are read",
                error("#!AER-DAT9.0\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("request: the AEDAT 3.1 header has no #!END-HEADER line (file cut short?)",
                error(Arrays.copyOf(EventFiles.aedat31(events, 8), 20)));
        // a NumPy magic without a readable header is not taken for N-MNIST events
        assertEquals("request is not a .npy file (bad magic string)", error(Arrays.copyOf(npy, 7)));
    }

    private static int headerBytes(byte[] npy) {
        return 10 + ((npy[8] & 0xff) | (npy[9] & 0xff) << 8);
    }

    private static String error(byte[] bytes) {
        return assertThrows(UserInputException.class, () -> EventRecordings.parse(bytes, Path.of("request"))).getMessage();
    }
}
