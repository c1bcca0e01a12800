package io.qsvit.eval.events;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.EventFiles.Events;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameIntegrationTest {
    static EventStream stream(Events e) {
        EventStream.Builder b = new EventStream.Builder("test.bin", e.size());
        for (int i = 0; i < e.size(); i++) {
            b.add(e.x()[i], e.y()[i], e.t()[i], e.p()[i]);
        }
        return b.build();
    }

    private static float[] integrate(FrameIntegration f, Events e) {
        float[] out = new float[f.sampleSize()];
        f.integrate(stream(e), out);
        return out;
    }

    /** Seven events on a 2x1 sensor at times 0, 1, 2, 3, 10, 11, 20. */
    private static final Events SEVEN = new Events(new int[] {0, 1, 0, 1, 0, 1, 1}, new int[7],
            new long[] {0, 1, 2, 3, 10, 11, 20}, new int[] {1, 1, 0, 0, 1, 1, 0});

    @Test
    void byNumberEachFrameTakesNOverTEventsAndTheLastTheRest() {
        // N = 7, T = 3: frames [0, 2), [2, 4), [4, 7); layout [frame][OFF, ON][x]
        float[] got = integrate(new FrameIntegration(3, SplitBy.NUMBER, 2, 1, 2, 1), SEVEN);
        assertArrayEquals(new float[] {0, 0, 1, 1, /**/ 1, 1, 0, 0, /**/ 0, 1, 1, 1}, got);
    }

    @Test
    void byTimeFramesAreEqualWindowsFromTheFirstEvent() {
        // dt = (20 - 0) / 3 = 6: [0, 6) holds 4 events, [6, 12) 2, the last [12, ...) the one at 20
        float[] got = integrate(new FrameIntegration(3, SplitBy.TIME, 2, 1, 2, 1), SEVEN);
        assertArrayEquals(new float[] {1, 1, 1, 1, /**/ 0, 0, 1, 1, /**/ 0, 1, 0, 0}, got);
    }

    @Test
    void anEmptyTimeWindowIsAnEmptyFrame() {
        Events gap = new Events(new int[] {0, 0}, new int[] {0, 0}, new long[] {0, 90}, new int[] {1, 1});
        float[] got = integrate(new FrameIntegration(3, SplitBy.TIME, 1, 1, 1, 1), gap);
        assertArrayEquals(new float[] {0, 1, /**/ 0, 0, /**/ 0, 1}, got);
    }

    @Test
    void downSamplingFloorsScaledCoordinates() {
        // 128x128 sensor into 48x48 frames (tonic's factor 0.375): x 127 -> 47, x 3 -> 1, y 64 -> 24
        Events e = new Events(new int[] {127, 3}, new int[] {64, 0}, new long[] {0, 1}, new int[] {1, 0});
        float[] got = integrate(new FrameIntegration(1, SplitBy.NUMBER, 128, 128, 48, 48), e);
        float[] expected = new float[2 * 48 * 48];
        expected[48 * 48 + 24 * 48 + 47] = 1;
        expected[1] = 1;
        assertArrayEquals(expected, got);
    }

    @Test
    void eventsOutsideTheSensorAreRefusedNamingTheFile() {
        Events e = new Events(new int[] {1, 34}, new int[] {0, 2}, new long[] {0, 1}, new int[] {1, 0});
        String message = assertThrows(UserInputException.class,
                () -> integrate(new FrameIntegration(2, SplitBy.NUMBER, 34, 34, 34, 34), e)).getMessage();
        assertEquals("test.bin: event 1 at (x 34, y 2) is outside the 34x34 (width x height) sensor; give the"
                + " recording's sensor size (--sensor WIDTHxHEIGHT)", message);
    }

    @Test
    void framesLargerThanTheSensorAreRefused() {
        assertEquals("frames of 64x64 are larger than the 34x34 (width x height) sensor; frames can only down-sample",
                assertThrows(UserInputException.class,
                        () -> new FrameIntegration(2, SplitBy.TIME, 34, 34, 64, 64)).getMessage());
    }

    @Property(tries = 200)
    void everyEventIsCountedOnceInItsFrame(@ForAll @IntRange(min = 0, max = 400) int n,
                                           @ForAll @IntRange(min = 1, max = 9) int frames,
                                           @ForAll @LongRange(min = 0, max = 1L << 40) long t0,
                                           @ForAll @IntRange(min = 0, max = 50) int maxStep,
                                           @ForAll boolean byTime, @ForAll long seed) {
        Events e = EventFiles.random(new Random(seed), n, 17, 13, t0, maxStep);
        FrameIntegration f = new FrameIntegration(frames, byTime ? SplitBy.TIME : SplitBy.NUMBER, 17, 13, 5, 4);
        float[] out = integrate(f, e);
        int plane = 2 * 4 * 5;
        double total = 0;
        for (int frame = 0; frame < frames; frame++) {
            double count = 0;
            for (int i = 0; i < plane; i++) {
                count += out[frame * plane + i];
            }
            if (!byTime && frame < frames - 1) {
                assertEquals(n / frames, count, 0, "frame " + frame);
            }
            total += count;
        }
        assertEquals(n, total, 0);
    }
}
