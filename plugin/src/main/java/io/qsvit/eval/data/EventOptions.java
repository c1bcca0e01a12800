package io.qsvit.eval.data;

import io.qsvit.UserInputException;
import io.qsvit.eval.events.FrameIntegration;
import io.qsvit.eval.events.SplitBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How event recordings become model input: frames of equal event count or equal time ({@code splitBy}), the
 * recording's sensor size (0 x 0: the model's frame size, so no down-sampling), the number of frames where
 * the model leaves its time axis symbolic (0: the model's own), and where the time axis goes.
 */
public record EventOptions(SplitBy splitBy, int sensorWidth, int sensorHeight, int frames, TimeLayout timeLayout) {
    /** Frames by event count, sensor = frame size, T from the model, layout from the model. */
    public static final EventOptions DEFAULT = new EventOptions(SplitBy.NUMBER, 0, 0, 0, TimeLayout.AUTO);

    private static final Pattern SIZE = Pattern.compile("(\\d{1,6})x(\\d{1,6})");

    public EventOptions {
        if (splitBy == null || timeLayout == null) {
            throw new IllegalArgumentException("splitBy and timeLayout are required");
        }
        if (sensorWidth < 0 || sensorHeight < 0 || (sensorWidth == 0) != (sensorHeight == 0)) {
            throw new UserInputException("sensor size " + sensorWidth + "x" + sensorHeight
                    + " must be two positive numbers (or unset)");
        }
        if (frames < 0) {
            throw new UserInputException("--frames must be positive, not " + frames);
        }
    }

    /**
     * The options as a user writes them (flags, configuration, API); null or blank values keep the defaults:
     * frames by event count, sensor = frame size, T from the model, time layout from the model.
     */
    public static EventOptions of(String framesBy, String sensor, Integer frames, String timeLayout) {
        int[] size = parseSensor(sensor);
        return new EventOptions(framesBy == null || framesBy.isBlank() ? SplitBy.NUMBER : SplitBy.parse(framesBy),
                size[0], size[1], frames == null ? 0 : frames,
                timeLayout == null || timeLayout.isBlank() ? TimeLayout.AUTO : TimeLayout.parse(timeLayout));
    }

    /** Parses a sensor size such as {@code 128x128} (width x height); null or blank for none. */
    public static int[] parseSensor(String text) {
        if (text == null || text.isBlank()) {
            return new int[] {0, 0};
        }
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0 || Integer.parseInt(m.group(2)) == 0) {
            throw new UserInputException("sensor size '" + text + "' is not WIDTHxHEIGHT, e.g. 128x128");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** The integration into samples of {@code shape} = [frames, 2, height, width]. */
    public FrameIntegration integration(SampleShape shape, String source) {
        if (shape.rank() != 4 || shape.dim(1) != 2) {
            throw new UserInputException(source + " holds event recordings, which become samples [frames, 2,"
                    + " height, width]; the model takes samples " + shape);
        }
        int width = shape.dim(3);
        int height = shape.dim(2);
        return new FrameIntegration(shape.dim(0), splitBy, sensorWidth == 0 ? width : sensorWidth,
                sensorHeight == 0 ? height : sensorHeight, width, height);
    }

    /** The options as metadata and cache keys record them. */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("split_by", splitBy.toString());
        p.put("sensor", sensorWidth == 0 ? null : sensorWidth + "x" + sensorHeight);
        p.put("frames", frames == 0 ? null : frames);
        p.put("time_layout", timeLayout.toString());
        return p;
    }
}
