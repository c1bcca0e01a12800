package io.qsvit.kfp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a derived output artifact is made from a step's output folder after the step ran. */
public sealed interface Derivation {

    /**
     * Scalar metrics ({@code system.Metrics}): named numbers at JSON pointers into the folder's metadata.json,
     * or, with no names, every number under {@code root} (nested names joined with dots). A pointer that is
     * absent (a comparison without a baseline) is left out.
     */
    record ScalarMetrics(String root, Map<String, String> pointers) implements Derivation {
        static ScalarMetrics named(String... nameThenPointer) {
            Map<String, String> pointers = new LinkedHashMap<>();
            for (int i = 0; i < nameThenPointer.length; i += 2) {
                pointers.put(nameThenPointer[i], nameThenPointer[i + 1]);
            }
            return new ScalarMetrics("", Collections.unmodifiableMap(pointers));
        }

        static ScalarMetrics everyNumberUnder(String root) {
            return new ScalarMetrics(root, Map.of());
        }
    }

    /** A confusion matrix ({@code system.ClassificationMetrics}) from {@code {labels, counts}} at a JSON pointer. */
    record ConfusionMatrix(String pointer) implements Derivation {
    }

    /** A file of the folder, copied as the artifact itself (a Markdown or HTML report the UI renders). */
    record FileCopy(String relativePath) implements Derivation {
    }
}
