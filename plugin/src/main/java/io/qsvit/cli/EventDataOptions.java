package io.qsvit.cli;

import io.qsvit.eval.data.EventOptions;
import picocli.CommandLine.Option;

/**
 * How event recordings become frames and where a model's time axis is (a picocli mixin the evaluating steps take
 * with their data); the number of frames and their size come from the model's input.
 */
final class EventDataOptions {
    @Option(names = "--frames-by", defaultValue = "number", description = "Event data: cut each recording into"
            + " frames of equal event count (number) or equal time (time), as SpikingJelly (default: ${DEFAULT-VALUE}).")
    String framesBy;

    @Option(names = "--sensor", description = "Event data: the recordings' sensor size WIDTHxHEIGHT, e.g. 128x128,"
            + " when the model's frames are smaller (events are down-sampled to them); default: the frame size.")
    String sensor;

    @Option(names = "--frames", description = "Event data: frames per sample (T) for a model whose time axis is"
            + " symbolic; default: the model's.")
    Integer frames;

    @Option(names = "--time-layout", defaultValue = "auto", description = "Where a rank-5 model input has its time"
            + " axis: ntchw, tnchw, or auto (the symbolic one of the first two dimensions is the batch)"
            + " (default: ${DEFAULT-VALUE}).")
    String timeLayout;

    EventOptions events() {
        return EventOptions.of(framesBy, sensor, frames, timeLayout);
    }
}
