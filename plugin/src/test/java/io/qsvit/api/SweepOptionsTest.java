package io.qsvit.api;

import io.qsvit.Examples;
import io.qsvit.search.SweepMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The public API's choice between QSViT's full sweep and the raced one reaches the steps as asked (no run). */
class SweepOptionsTest {
    private static SensitivityRequest.Builder sensitivity() {
        return SensitivityRequest.builder().setModel(Examples.model("sdtv2")).setData(Data.of(Examples.subset()))
                .setOut(Path.of("unused"));
    }

    @Test
    void fullByDefaultRacedAgainstTheGivenRequirement() {
        assertEquals(SweepMode.FULL, sensitivity().build().internal().sweep());
        assertNull(sensitivity().build().internal().requirement());
        io.qsvit.search.Requirement raced = sensitivity().optRaced(Requirement.maxDrop(0.01).withTolerances(0.0, 0.03))
                .build().internal().requirement();
        assertEquals(new io.qsvit.search.Requirement(0.01, null, 0.0, 0.03), raced);
        assertEquals(SweepMode.RACED, sensitivity().optRaced(Requirement.maxDrop(0.01)).build().internal().sweep());
        assertEquals("a raced sweep is not sharded (optRaced with optShard)", assertThrows(IllegalArgumentException.class,
                () -> sensitivity().optRaced(Requirement.maxDrop(0.01)).optShard(0, 2).build()).getMessage());
    }

    @Test
    void boundsRaceTheBaseSettingsOnlyWhenAsked() {
        BoundsRequest.Builder bounds = BoundsRequest.builder().setSensitivity(Path.of("s")).setModel(Examples.model("sdtv2"))
                .setData(Data.of(Examples.subset())).setRequirement(Requirement.maxDrop(0.01)).setOut(Path.of("b"));
        assertEquals(SweepMode.FULL, bounds.build().internal().sweep());
        assertEquals(SweepMode.RACED, bounds.optRaced(true).build().internal().sweep());
    }
}
