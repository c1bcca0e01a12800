package io.qsvit.eval.events;

import io.qsvit.DebianPython;
import io.qsvit.eval.events.EventFiles.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Our readers and frame integration against an independent NumPy implementation (frames_reference.py, run with
 * Debian's /usr/bin/python3 and python3-numpy): the same files, the same frames, value for value.
 */
public class FramesAgainstNumpyTest {
    @TempDir
    Path dir;

    /** The reference script, from the module folder Maven runs the tests in. */
    static final Path SCRIPT = Path.of("src/test/python/frames_reference.py");

    /** The reference's frames of {@code file}; {@code window} is null or {start, end}. */
    public static float[] reference(Path work, String format, Path file, FrameIntegration f, long[] window)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "frames", ".f32");
        List<String> arguments = new ArrayList<>(List.of(format, file.toString(),
                Integer.toString(f.frames()), f.splitBy().toString(), Integer.toString(f.sensorWidth()),
                Integer.toString(f.sensorHeight()), Integer.toString(f.width()), Integer.toString(f.height()),
                out.toString()));
        if (window != null) {
            arguments.add(Long.toString(window[0]));
            arguments.add(Long.toString(window[1]));
        }
        DebianPython.run(SCRIPT, 60, arguments.toArray(String[]::new));
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private void check(String format, Path file, Function<Path, EventStream> reader, List<FrameIntegration> cases,
                       long[] window) throws IOException, InterruptedException {
        EventStream stream = reader.apply(file);
        if (window != null) {
            stream = stream.window(window[0], window[1], file + " window");
        }
        for (FrameIntegration f : cases) {
            float[] ours = new float[f.sampleSize()];
            f.integrate(stream, ours);
            float[] theirs = reference(dir, format, file, f, window);
            assertArrayEquals(theirs, ours, format + " " + f);
            double sum = 0;
            for (float v : ours) {
                sum += v;
            }
            assertEquals(stream.size(), sum, 0, "every event counted once");
        }
    }

    private static List<FrameIntegration> cases(int sensorW, int sensorH, int w, int h) {
        return List.of(new FrameIntegration(4, SplitBy.NUMBER, sensorW, sensorH, sensorW, sensorH),
                new FrameIntegration(7, SplitBy.TIME, sensorW, sensorH, sensorW, sensorH),
                new FrameIntegration(5, SplitBy.NUMBER, sensorW, sensorH, w, h),
                new FrameIntegration(3, SplitBy.TIME, sensorW, sensorH, w, h));
    }

    @Test
    void nmnistWithOverflowMarkers() throws Exception {
        Events e = EventFiles.random(new Random(11), 12_000, 34, 34, 0, 1_500);
        Path file = EventFiles.write(dir.resolve("n.bin"), EventFiles.nmnist(e));
        check("nmnist", file, NmnistBinary::read, cases(34, 34, 17, 11), null);
    }

    @Test
    void aedat2Cifar10Dvs() throws Exception {
        Events e = EventFiles.random(new Random(12), 20_000, 128, 128, 5_000, 60);
        Path file = EventFiles.write(dir.resolve("c.aedat"), EventFiles.aedat2(e));
        check("aedat2", file, Aedat2::read, cases(128, 128, 48, 48), null);
    }

    @Test
    void aedat31DvsGestureWindow() throws Exception {
        Events e = EventFiles.random(new Random(13), 30_000, 128, 128, (1L << 31) - 3_000_000, 200);
        Path file = EventFiles.write(dir.resolve("g.aedat"), EventFiles.aedat31(e, 4096));
        long[] window = {e.t()[2_000], e.t()[25_000]};
        check("aedat31", file, Aedat31::read, cases(128, 128, 32, 32), window);
    }
}
