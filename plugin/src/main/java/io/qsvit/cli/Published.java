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
}
