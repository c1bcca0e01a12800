package io.qsvit.eval.events;

import io.qsvit.UserInputException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Integrates a recording into {@code frames} two-channel frames [frames, 2, height, width] of event counts, as
 * SpikingJelly's {@code integrate_events_by_fixed_frames_number} does. With N events in time order:
 * <ul>
 *   <li>{@link SplitBy#NUMBER}: frame i holds events [i * (N / frames), (i + 1) * (N / frames)), integer division;
 *   the last frame runs to N;</li>
 *   <li>{@link SplitBy#TIME}: dt = (t[N-1] - t[0]) / frames (integer division); frame i holds the events with
 *   t[0] + i dt <= t < t[0] + (i + 1) dt, the last frame runs to N. SpikingJelly fails on a window without events;
 *   here it is an empty frame.</li>
 * </ul>
 * Channel 0 counts OFF events, channel 1 ON events, at index y * width + x. Down-sampling (a frame smaller than
 * the sensor) maps x to floor(x * width / sensorWidth), y likewise, as tonic's Downsample does with the factor
 * width / sensorWidth. Every event must lie on the sensor.
 */
public record FrameIntegration(int frames, SplitBy splitBy, int sensorWidth, int sensorHeight, int width, int height) {
    public FrameIntegration {
        if (frames < 1) {
            throw new UserInputException("event data needs at least 1 frame, not " + frames);
        }
        if (width < 1 || height < 1 || sensorWidth < 1 || sensorHeight < 1) {
            throw new UserInputException("frame " + width + "x" + height + " and sensor " + sensorWidth + "x"
                    + sensorHeight + " (width x height) must be positive");
        }
        if (width > sensorWidth || height > sensorHeight) {
            throw new UserInputException("frames of " + width + "x" + height + " are larger than the " + sensorWidth
                    + "x" + sensorHeight + " (width x height) sensor; frames can only down-sample");
        }
        if ((long) frames * 2 * width * height > Integer.MAX_VALUE - 8) {
            throw new UserInputException(frames + " frames of 2x" + height + "x" + width + " are too large");
        }
    }

    /** Values in one integrated sample: frames x 2 x height x width. */
    public int sampleSize() {
        return frames * 2 * height * width;
    }

    /** Writes the frames of {@code events} into {@code out} (at least {@link #sampleSize()} long, overwritten). */
    public void integrate(EventStream events, float[] out) {
        events.checkInside(sensorWidth, sensorHeight);
        Arrays.fill(out, 0, sampleSize(), 0f);
        int n = events.size();
        int plane = height * width;
        for (int frame = 0; frame < frames; frame++) {
            int from = start(events, frame);
            int to = frame == frames - 1 ? n : start(events, frame + 1);
            int base = frame * 2 * plane;
            for (int i = from; i < to; i++) {
                int x = (int) ((long) events.x(i) * width / sensorWidth);
                int y = (int) ((long) events.y(i) * height / sensorHeight);
                out[base + events.polarity(i) * plane + y * width + x] += 1f;
            }
        }
    }

    /** Index of the first event of {@code frame} (frame < frames). */
    private int start(EventStream events, int frame) {
        int n = events.size();
        if (splitBy == SplitBy.NUMBER) {
            return (int) ((long) frame * (n / frames));
        }
        if (n == 0) {
            return 0;
        }
        long dt = Math.floorDiv(events.t(n - 1) - events.t(0), frames);
        return events.firstAtOrAfter(events.t(0) + frame * dt);
    }

    /** The parameters as metadata and cache keys record them. */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("frames", frames);
        p.put("split_by", splitBy.toString());
        p.put("sensor", sensorWidth + "x" + sensorHeight);
        p.put("frame", width + "x" + height);
        return p;
    }
}
