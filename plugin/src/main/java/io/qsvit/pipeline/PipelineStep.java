package io.qsvit.pipeline;

import io.qsvit.artifact.ArtifactFolder;

import java.util.List;

/**
 * One step of the local pipeline: its name (also its output folder under the run's {@code --out}), the
 * earlier steps whose output folders it reads, and how it runs. A step publishes through
 * {@link ArtifactFolder}, so it goes through the cache like any step run on its own.
 */
public record PipelineStep(String name, List<String> reads, Runner runner) {

    public PipelineStep {
        reads = List.copyOf(reads);
    }

    /** Runs the step on a request and publishes its output into {@link Request#out()}. */
    @FunctionalInterface
    public interface Runner {
        ArtifactFolder.Outcome run(Request request);
    }
}
