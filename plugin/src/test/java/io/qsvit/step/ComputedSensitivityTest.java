package io.qsvit.step;

import io.qsvit.Examples;
import io.qsvit.UserInputException;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.ComputedKind;
import io.qsvit.model.GroupKind;
import io.qsvit.model.Grouping;
import io.qsvit.quant.Scheme;
import io.qsvit.search.SensitivityMatrix;
import io.qsvit.search.SweepMode;
import io.qsvit.search.TrialEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** QSViT's sweep over computed tensors: rows <group>:membrane and <group>:attention-product on SDTv2. */
class ComputedSensitivityTest {
    @TempDir
    Path dir;

    static SensitivityStep.Request request(List<String> precisions, Set<ComputedKind> computed) {
        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, 200, null);
        return new SensitivityStep.Request(Examples.model("sdtv2"), data, precisions.stream().map(Scheme::parse).toList(),
                Grouping.QSVIT, null, 100, 2, null, SweepMode.FULL, null, TrialEvaluator.DEFAULT_PREFIX_BUDGET, computed);
    }

    @Test
    void computedGroupsAreRowsOfTheMatrix() {
        SensitivityStep.Result result = SensitivityStep.run(request(List.of("uniform8", "fixed16:q0.15"),
                Set.of(ComputedKind.MEMBRANE, ComputedKind.ATTENTION_PRODUCT)), dir.resolve("s"), new SensitivityStepTest.Recorder(0));
        SensitivityMatrix m = result.matrix();
        assertEquals(22, m.groups().size()); // 10 weight groups, then 9 membrane and 3 attention-product groups
        assertEquals("stage4.block1:attention-product/attention-product/0, head:membrane/neuron/0",
                m.groups().stream().filter(g -> g.name().equals("head:membrane") || g.name().equals("stage4.block1:attention-product"))
                        .map(g -> g.name() + "/" + g.kind().id() + "/" + g.params()).collect(Collectors.joining(", ")));
        Scheme weightPoint = Scheme.parse("fixed16:q0.15");
        Scheme uniform8 = Scheme.parse("uniform8");
        // with the weights' binary point the membrane can never reach the threshold 1.0: chance level
        assertEquals(0.100, m.trial("stage3.downsample:membrane", weightPoint).accuracy(), 1e-9);
        assertEquals(0.900, m.trial("stage3.downsample:membrane", uniform8).accuracy(), 1e-9);
        assertEquals(0.820, m.trial("stage4.block1:attention-product", weightPoint).accuracy(), 1e-9);
        // the calibrated range travels in the cell's setting; uniform8 there is the 8-bit format that holds it
        io.qsvit.quant.Setting cell = m.trial("stage3.block1:attention-product", uniform8).setting();
        assertEquals(50.0, cell.ranges().get("stage3.block1:attention-product"), 0.0); // a count of spike products
        assertEquals("fixed8:q6.1", cell.computedFormats().get("stage3.block1:attention-product").id());
        assertEquals("[neuron, attention-product]", m.findings().kinds().keySet().stream()
                .filter(k -> k.equals(GroupKind.NEURON.id()) || k.equals(GroupKind.ATTENTION_PRODUCT.id())).toList().toString());
    }

    @Test
    void precisionsAComputedTensorCannotTakeAndOtherSweepsAreRefused() {
        assertEquals("--computed at precision pow2-4: pow2-4 is a storage format for weights; a computed tensor takes "
                + "fixed<B>[:q<m>.<n>] or uniform<B>", assertThrows(UserInputException.class,
                () -> request(List.of("uniform8", "pow2-4"), Set.of(ComputedKind.MEMBRANE))).getMessage());
        EvaluationData data = new EvaluationData(Examples.subset(), DataFormat.AUTO, IdxDataset.TEST_SPLIT, 200, null);
        assertEquals("computed tensors are swept by the full sweep (--sweep full), not a raced one",
                assertThrows(UserInputException.class, () -> new SensitivityStep.Request(Examples.model("sdtv2"), data,
                        List.of(Scheme.parse("uniform8")), Grouping.QSVIT, null, 100, 2, null, SweepMode.RACED,
                        new io.qsvit.search.Requirement(0.01, null, io.qsvit.search.Requirement.DEFAULT_TOLERANCE_HIGH,
                                io.qsvit.search.Requirement.DEFAULT_TOLERANCE_LOW), 0, Set.of(ComputedKind.MEMBRANE))).getMessage());
    }
}
