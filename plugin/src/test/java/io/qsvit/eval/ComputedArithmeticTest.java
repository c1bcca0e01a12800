package io.qsvit.eval;

import io.qsvit.Examples;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.ComputedKind;
import io.qsvit.model.ComputedSite;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Computed tensors in fixed point on the SDTv2 reference model, through apply and a session as evaluate opens
 * it, on the 2,000 bundled test images. The expected accuracies and counts are those the independent study tool
 * (docs/study/fake_quant_computed.py, written with the onnx Python package) measured on the same images.
 */
class ComputedArithmeticTest {
    /** Neuron-images of the state: SDTv2 runs 2 timesteps, so each neuron's potential is computed twice per image. */
    static final long STATE1 = 37_632_000;
    static final long STATE2 = 2_048_000;

    @TempDir
    static Path dir;
    static Dataset images;
    static ComputedSites sites;

    @BeforeAll
    static void load() {
        images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT);
        sites = ComputedSites.of(ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), Grouping.QSVIT));
    }

    @Test
    void sitesAreFoundFromTheGraphAndGroupedByTheLayerTheyDrive() {
        Map<ComputedKind, Long> kinds = sites.sites().stream()
                .collect(Collectors.groupingBy(ComputedSite::kind, TreeMap::new, Collectors.counting()));
        // 66 spike comparisons (GreaterOrEqual against the threshold), 6 MatMuls of two computed tensors
        assertEquals("{MEMBRANE=66, ATTENTION_PRODUCT=6}", kinds.toString());
        // the first downsampling conv reads the image, so its output's neurons drive stage1.block1's layers
        assertEquals("[stage1.block1:membrane, stage2.downsample:membrane, stage2.block1:membrane, "
                + "stage3.downsample:membrane, stage3.block1:membrane, stage3.block1:attention-product, "
                + "stage3.block2:membrane, stage3.block2:attention-product, stage4.downsample:membrane, "
                + "stage4.block1:membrane, stage4.block1:attention-product, head:membrane]", sites.groups().keySet().toString());
    }

    private static double fraction(Map<String, ComputedCounts> counts, java.util.function.ToLongFunction<ComputedCounts> part) {
        return (double) counts.values().stream().mapToLong(part).sum()
                / counts.values().stream().mapToLong(ComputedCounts::values).sum();
    }

    private static Map<String, Object> applyAndEvaluate(String name, String setting) throws IOException {
        Path file = Files.writeString(dir.resolve(name + ".yaml"), setting);
        Path out = dir.resolve(name);
        ApplyStep.run(Examples.model("sdtv2"), file, out);
        Map<String, Object> result = new TreeMap<>();
        int[] predictions = null;
        for (String form : new String[] {ApplyStep.SIMULATED, ApplyStep.REAL}) {
            ModelLayers model = ModelLayers.of(OnnxModel.load(out.resolve(form)), Grouping.QSVIT);
            try (EvaluationSession session = EvaluationSession.openFixed(model, 2)) {
                EvaluationSession.Outputs outputs = session.run(images, 250);
                int[] p = Accuracy.predictions(outputs.scores());
                if (predictions != null) {
                    assertArrayEquals(predictions, p, "simulated and real predict alike");
                }
                predictions = p;
                result.put("accuracy", Accuracy.topK(outputs.scores(), images, 1).value());
                result.put("counts", outputs.computed());
            }
        }
        return result;
    }

    private static String every(ComputedKind kind, String scheme) {
        StringBuilder groups = new StringBuilder("groups:\n");
        sites.groups().forEach((group, k) -> {
            if (k == kind) {
                groups.append("  ").append(group).append(": ").append(scheme).append('\n');
            }
        });
        return groups.toString();
    }

    /** The largest potential q0.15 holds is 1 - 2^-15, below the threshold 1.0: those neurons never fire. */
    @Test
    @SuppressWarnings("unchecked")
    void membranesAtTheWeightsBinaryPointCollapseTheModel() throws IOException {
        Map<String, Object> r = applyAndEvaluate("membrane-q0.15", every(ComputedKind.MEMBRANE, "fixed16:q0.15:truncate"));
        assertEquals(0.1000, (double) r.get("accuracy"), 1e-9);
        Map<String, ComputedCounts> counts = (Map<String, ComputedCounts>) r.get("counts");
        assertEquals(new ComputedCounts(14_145_676, 288, 75_264_000, STATE1), counts.get("stage1.block1:membrane"));
        assertEquals(0.1347, fraction(counts, ComputedCounts::saturated), 5e-5); // the study's 13.47%
    }

    @Test
    @SuppressWarnings("unchecked")
    void membranesWithThreeIntegerBitsKeepTheAccuracy() throws IOException {
        Map<String, Object> r = applyAndEvaluate("membrane-q3.12", every(ComputedKind.MEMBRANE, "fixed16:q3.12:truncate"));
        assertEquals(0.8940, (double) r.get("accuracy"), 1e-9); // float32: 0.8930
        Map<String, ComputedCounts> counts = (Map<String, ComputedCounts>) r.get("counts");
        assertEquals(new ComputedCounts(4_192, 360, 4_096_000, STATE2), counts.get("stage4.downsample:membrane"));
        assertEquals(0.000135, fraction(counts, ComputedCounts::zeroed), 5e-6); // the study's 0.01%
    }

    /** Products of binary spikes are counts: a format with no integer bits saturates every one of 1 or more. */
    @Test
    @SuppressWarnings("unchecked")
    void attentionProductsAtTheWeightsBinaryPointSaturate() throws IOException {
        Map<String, Object> r = applyAndEvaluate("attention-q0.15",
                every(ComputedKind.ATTENTION_PRODUCT, "fixed16:q0.15:truncate"));
        assertEquals(0.8390, (double) r.get("accuracy"), 1e-9);
        Map<String, ComputedCounts> counts = (Map<String, ComputedCounts>) r.get("counts");
        assertEquals(new ComputedCounts(803_392, 0, 8_192_000, 8_192_000), counts.get("stage3.block1:attention-product"));
        assertEquals(0.0936, fraction(counts, ComputedCounts::saturated), 5e-5); // the study's 9.36%
    }

    @Test
    void settingsAComputedTensorCannotTakeAreOneLineErrors() throws IOException {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("groups: {stage3.block1:membrane: pow2-4}", "computed group 'stage3.block1:membrane': pow2-4 is a "
                + "storage format for weights; a computed tensor takes fixed<B>[:q<m>.<n>] or uniform<B>");
        bad.put("groups: {head:membrane: fixed8:q3.4:stochastic}", "computed group 'head:membrane': stochastic rounding "
                + "applies to stored weights only; a computed tensor takes truncate or nearest");
        bad.put("groups: {head:membrane: uniform8}", "computed group 'head:membrane': uniform8 on a computed tensor needs "
                + "its range, which only sensitivity and explore measure; write the format (e.g. fixed8:q3.4) in the setting");
        bad.put("groups: {head:membrane: fixed32:q3.28}", "computed group 'head:membrane': fixed32:q3.28 has more than 24 "
                + "bits, past what float32 arithmetic holds exactly; a computed tensor takes 2..24 bits");
        bad.put("groups: {stage1.downsample:membrane: fixed8:q3.4}", "setting names group 'stage1.downsample:membrane', "
                + "which the model does not have");
        bad.put("groups: {head:membrane: uniform8}\nranges: {head:membrane: -1}", "setting gives computed group "
                + "'head:membrane' the range -1.0; a largest magnitude is a finite number >= 0");
        int i = 0;
        Path half = Files.writeString(dir.resolve("half.yaml"), "groups: {head:membrane: fixed16:q3.12}");
        Path halfOut = dir.resolve("half-out");
        assertEquals("computed tensors in fixed point take a model that computes in float32; this one computes in "
                + "float16 or bfloat16 (it casts to them), where the format's float32 constants do not apply",
                org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class, () -> ApplyStep.run(
                        Examples.root().resolve("models/corpus/spikformer-float16.onnx"), half, halfOut)).getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(halfOut));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Path file = Files.writeString(dir.resolve("bad" + i + ".yaml"), e.getKey());
            Path out = dir.resolve("bad-out" + i++);
            String message = org.junit.jupiter.api.Assertions.assertThrows(io.qsvit.UserInputException.class,
                    () -> ApplyStep.run(Examples.model("sdtv2"), file, out)).getMessage();
            org.junit.jupiter.api.Assertions.assertTrue(message.contains(e.getValue()), message);
            org.junit.jupiter.api.Assertions.assertFalse(Files.exists(out), "nothing written for " + e.getKey());
        }
    }

    /** A uniform width with a calibrated range is B-bit fixed point whose integer bits just hold that range. */
    @Test
    void aUniformWidthWithARangeBecomesTheFixedFormatThatHoldsIt() {
        io.qsvit.quant.Setting setting = io.qsvit.quant.Setting.parse(
                "{\"groups\": {\"head:membrane\": \"uniform8\", \"stage4.block1:attention-product\": \"uniform12\"},"
                        + " \"ranges\": {\"head:membrane\": 3.9, \"stage4.block1:attention-product\": 16.0}}", "test");
        assertEquals("{head:membrane=fixed8:q2.5, stage4.block1:attention-product=fixed12:q5.6}",
                setting.computedFormats().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().id())
                        .collect(Collectors.joining(", ", "{", "}")));
    }

    /** The state of a membrane group: one value per neuron at the format's width; updates priced per timestep. */
    @Test
    void evaluationPricesTheNeuronStateAtItsFormat() throws IOException {
        Path file = Files.writeString(dir.resolve("state.yaml"), "groups: {stage4.downsample:membrane: fixed16:q3.12}");
        ApplyStep.run(Examples.model("sdtv2"), file, dir.resolve("state"));
        ModelEvaluation e = ModelEvaluation.run(OnnxModel.load(dir.resolve("state").resolve(ApplyStep.REAL)),
                new EvaluationData(Examples.subset(), io.qsvit.eval.data.DataFormat.AUTO, IdxDataset.TEST_SPLIT, 500, null),
                EnergyTable.defaults(), 2, 250);
        NeuronStateCost cost = e.neuronState().get("stage4.downsample:membrane");
        assertEquals(1024, cost.statesPerImage(), 0); // 64 channels x 4 x 4 neurons
        assertEquals(2048, cost.stateBytesPerImage(), 0); // 16 bits each (float32 would take 4096)
        assertEquals(2048, cost.updatesPerImage(), 0); // every neuron, each of 2 timesteps
        EnergyTable table = EnergyTable.defaults();
        assertEquals(2048 * table.multiplyAccumulatePj(io.qsvit.quant.Scheme.parse("fixed16:q3.12")) / 1e6,
                cost.updateMicrojoulesPerImage(), 1e-12);
        assertEquals(2048 * table.multiplyAccumulatePj(io.qsvit.quant.Scheme.FLOAT32) / 1e6,
                cost.float32UpdateMicrojoulesPerImage(), 1e-12);
        org.junit.jupiter.api.Assertions.assertTrue(cost.updateMicrojoulesPerImage() < cost.float32UpdateMicrojoulesPerImage());
    }
}
