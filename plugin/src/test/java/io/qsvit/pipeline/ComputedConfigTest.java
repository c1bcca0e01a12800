package io.qsvit.pipeline;

import io.qsvit.UserInputException;
import io.qsvit.model.ComputedKind;
import io.qsvit.search.SweepMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code sensitivity.computed} in a pipeline configuration: the kinds a run sweeps and searches, and its sweep. */
class ComputedConfigTest {
    @TempDir
    Path dir;

    private PipelineConfig read(String sensitivity) throws IOException {
        return PipelineConfig.read(Files.writeString(dir.resolve("p.yaml"), "schema: qsvit.pipeline/v1\nsensitivity: "
                + sensitivity + "\n"));
    }

    @Test
    void computedKindsTakeTheFullSweep() throws IOException {
        PipelineConfig.Sensitivity s = read("{computed: [membrane, attention-product]}").sensitivity();
        assertEquals(Set.of(ComputedKind.MEMBRANE, ComputedKind.ATTENTION_PRODUCT), s.computedKinds());
        assertEquals(SweepMode.FULL, s.sweepMode()); // a run races by default; computed tensors are swept in full
        assertEquals(SweepMode.RACED, read("{precisions: [uniform8]}").sensitivity().sweepMode());
        assertEquals(Set.of(), read("{computed: []}").sensitivity().computedKinds());
    }

    @Test
    void badComputedKindsAreOneLineErrors() {
        String file = dir.resolve("p.yaml") + ": ";
        assertEquals(file + "sensitivity.computed: unknown computed tensor kind 'membranes'; one of [membrane, "
                + "attention-product]", assertThrows(UserInputException.class, () -> read("{computed: [membranes]}")).getMessage());
        assertEquals(file + "sensitivity.computed takes the full sweep: drop sensitivity.sweep: raced (a run sweeps in "
                        + "full when computed tensors are named)",
                assertThrows(UserInputException.class, () -> read("{computed: [membrane], sweep: raced}")).getMessage());
    }
}
