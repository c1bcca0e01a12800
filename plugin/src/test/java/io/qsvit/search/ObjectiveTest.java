package io.qsvit.search;

import io.qsvit.UserInputException;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import io.qsvit.Examples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectiveTest {

    @Test
    void parsesSingleCostsAndMixesToACanonicalId() {
        assertEquals("stored_bytes", Objective.parse("stored_bytes").id());
        assertEquals("energy", Objective.parse(" energy ").id());
        assertEquals("stored_bytes=0.5,energy=0.5", Objective.parse("energy=0.5, stored_bytes=0.5").id());
        assertEquals("effective_bits=2.0", Objective.parse("effective_bits=2").id());
        assertEquals(Map.of(Objective.Cost.ENERGY, 1.0), Objective.parse("energy").weights());
    }

    @Test
    void badTextIsOneUserError() {
        for (String[] c : List.of(
                new String[] {"bytes", "unknown objective 'bytes': expected stored_bytes, energy, effective_bits, or a weighted mix such as stored_bytes=0.5,energy=0.5"},
                new String[] {"energy=x", "objective weight 'x' in 'energy=x' is not a number"},
                new String[] {"energy=0", "objective weight of energy must be in (0, 1e6], got 0.0"},
                new String[] {"energy=NaN", "objective weight of energy must be in (0, 1e6], got NaN"},
                new String[] {"energy,energy=2", "objective 'energy,energy=2' names energy twice"},
                new String[] {"energy=1=2", "unknown objective 'energy=1=2': expected stored_bytes, energy, effective_bits, or a weighted mix such as stored_bytes=0.5,energy=0.5"},
                new String[] {"", "missing objective: expected stored_bytes, energy, effective_bits, or a weighted mix such as stored_bytes=0.5,energy=0.5"},
                new String[] {"energy,", "unknown objective 'energy,': expected stored_bytes, energy, effective_bits, or a weighted mix such as stored_bytes=0.5,energy=0.5"})) {
            assertEquals(c[1], assertThrows(UserInputException.class, () -> Objective.parse(c[0])).getMessage(), c[0]);
        }
    }

    /** Costs are fractions of the float model's: all-float sums to one billion units, a mix to its weights' sum. */
    @Test
    void groupCostsAreFractionsOfTheFloatModelsAndFollowTheRealArtifactsBytes() {
        ModelLayers layers = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), Grouping.QSVIT);
        List<Group> groups = layers.groups();
        Objective.GroupCost stored = Objective.parse("stored_bytes").costs(groups, null);
        assertEquals(1e9, groups.stream().mapToLong(g -> stored.of(g, Scheme.FLOAT32)).sum(), groups.size());
        // 3-bit codes are packed, 4-bit ones fill their nibbles
        for (Group g : groups) {
            assertTrue(stored.of(g, Scheme.parse("uniform3")) < stored.of(g, Scheme.parse("uniform4")), g.name());
        }
        Objective.GroupCost bits = Objective.parse("effective_bits").costs(groups, null);
        Setting u4 = Setting.uniform(Grouping.QSVIT, Scheme.parse("uniform4"));
        long total = groups.stream().mapToLong(g -> bits.of(g, u4.schemeOf(g))).sum();
        assertEquals(1e9 * 4 / 32, total, groups.size());
        Objective.GroupCost mix = Objective.parse("stored_bytes=2,effective_bits=1").costs(groups, null);
        assertEquals(3e9, groups.stream().mapToLong(g -> mix.of(g, Scheme.FLOAT32)).sum(), 2 * groups.size());
        assertThrows(IllegalStateException.class, () -> Objective.parse("energy").costs(groups, null));
        assertTrue(stored.of(groups.get(0), Scheme.parse("pow2-4")) < stored.of(groups.get(0), Scheme.parse("uniform8")));
    }
}
