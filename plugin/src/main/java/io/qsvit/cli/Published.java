package io.qsvit.cli;

import io.qsvit.artifact.ArtifactFolder;

import java.nio.file.Path;

/** The line a step command prints about its output folder. */
final class Published {
    private Published() {
    }

    static String describe(String step, ArtifactFolder.Outcome outcome, Path out) {
        return switch (outcome) {
            case WRITTEN -> step + ": wrote " + out;
            case CACHED -> step + ": restored " + out + " from the cache";
            case UP_TO_DATE -> step + ": " + out + " is up to date";
        };
    }

    /** The same, for a line that goes on with a summary: "wrote DIR", "up to date: DIR", "from the cache: DIR". */
    static String lead(ArtifactFolder.Outcome outcome, Path out) {
        return switch (outcome) {
            case WRITTEN -> "wrote " + out;
            case CACHED -> "from the cache: " + out;
            case UP_TO_DATE -> "up to date: " + out;
        };
    }
}
