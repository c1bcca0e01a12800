package io.qsvit.api;

import io.qsvit.artifact.ArtifactFolder;

/** How a step's output folder came to be. */
public enum Outcome {
    /** Computed now. */
    WRITTEN,
    /** Restored from the cache, byte for byte what a computation writes. */
    CACHED,
    /** The output folder already held this very artifact (same cache key). */
    UP_TO_DATE;

    static Outcome of(ArtifactFolder.Outcome outcome) {
        return valueOf(outcome.name());
    }
}
