package io.qsvit.search;

import io.qsvit.Examples;
import io.qsvit.model.Granularity;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Guided search (QSViT Alg. 3) under an objective: its ladders keep only rungs that lower the named cost, and
 * groups of equal sensitivity are visited by their saving; without one, QSViT's order. On the SDTv2 reference
 * model at stage granularity with the sdtv2-stage fixture matrix (drops at uniform4, in images of 300: stage1
 * and stage2 4, head 1, stage3 and stage4 -1).
 */
class GuidedObjectiveTest {
    static ModelLayers layers;
    static Bounds bounds;
    static SensitivityMatrix matrix;

    @BeforeAll
    static void load() throws URISyntaxException {
        Path fixtures = Path.of(GuidedObjectiveTest.class.getResource("/io/qsvit/search/sdtv2-stage").toURI());
        Grouping stages = Grouping.by(Granularity.STAGE);
        layers = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), stages);
        matrix = SensitivityMatrix.read(fixtures.resolve("sensitivity"));
        Bounds read = Bounds.read(fixtures.resolve("bounds"));
        // stage1 starts at float32 (its whole ladder ahead), stage2 at its low bound (nothing to save)
        Setting high = new Setting(stages, Scheme.FLOAT32, Map.of("stage1", Scheme.FLOAT32, "stage2", Scheme.parse("uniform4"),
                "stage3", Scheme.parse("uniform8"), "stage4", Scheme.parse("uniform8"), "head", Scheme.parse("uniform8")));
        bounds = new Bounds(read.requirement(), high, read.low(), read.digest());
    }

    static GuidedSearch guided(String objective) {
        GuidedSearch search = new GuidedSearch(bounds, matrix, null, objective == null ? null : Objective.parse(objective), null);
        search.price(layers.groups());
        return search;
    }

    static Group group(String name) {
        return layers.groups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    static List<String> ids(List<Scheme> schemes) {
        return schemes.stream().map(Scheme::id).toList();
    }

    @Test
    void storedBytesLeaveOffTheRungThatStoresNoFewerBytes() {
        List<Scheme> ladder = guided(null).ladder(Scheme.FLOAT32, Scheme.parse("uniform4"));
        assertEquals(List.of("float32", "uniform16", "uniform12", "uniform8", "uniform4"), ids(ladder));
        // 12-bit codes sit in 16-bit containers: the move 16 -> 12 would spend accuracy and save no byte
        assertEquals(List.of("float32", "uniform16", "uniform8", "uniform4"),
                ids(guided("stored_bytes").cheaperRungs(group("stage1"), ladder)));
        assertEquals(ids(ladder), ids(guided("effective_bits").cheaperRungs(group("stage1"), ladder)));
        assertEquals(ids(ladder), ids(guided(null).cheaperRungs(group("stage1"), ladder)));
    }

    @Test
    void equallySensitiveGroupsAreVisitedByTheirSavingUnderTheObjective() {
        // QSViT's order: least sensitive first, then largest: stage2 (46,144 weights) before stage1 (10,672)
        assertEquals(List.of("stage4", "stage3", "head", "stage2", "stage1"),
                guided(null).order(layers.groups()).stream().map(Group::name).toList());
        // stage1 saves its float32 -> uniform4 ladder, stage2 (already at its low bound) nothing
        assertEquals(List.of("stage4", "stage3", "head", "stage1", "stage2"),
                guided("stored_bytes").order(layers.groups()).stream().map(Group::name).toList());
        assertEquals(List.of("stage4", "stage3", "head", "stage1", "stage2"),
                guided("effective_bits").order(layers.groups()).stream().map(Group::name).toList());
    }

    @Test
    void anEnergyObjectiveNeedsTheGroupsEnergyPrices() {
        assertEquals("an energy objective needs the groups' energy prices", assertThrows(IllegalArgumentException.class,
                () -> new GuidedSearch(bounds, matrix, null, Objective.parse("energy"), null)).getMessage());
    }
}
