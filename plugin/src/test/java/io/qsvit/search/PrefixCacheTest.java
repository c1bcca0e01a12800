package io.qsvit.search;

import io.qsvit.Examples;
import io.qsvit.eval.EvaluationSession;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trials asked for one at a time, as explore's probes and candidates are, through kept float prefixes: every
 * score and firing rate bit for bit the whole switchable session's, on both reference models, with image sets
 * alternating and a budget that holds one of them only (so kept prefixes are dropped and computed again).
 */
class PrefixCacheTest {
    private static final Scheme U4 = Scheme.parse("uniform4");
    private static final Scheme P3 = Scheme.parse("pow2-3");

    /** Costs under which every cut pays: one second per image, nothing fixed. */
    private static CutCosts eager() {
        CutCosts costs = new CutCosts(0);
        costs.evaluated(1, 1.0);
        return costs;
    }

    private static Dataset images() {
        return IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(48);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sdtv2", "spikformer"})
    void trialsOneAtATimeMatchTheWholeSessionBitForBit(String name) {
        ModelLayers model = ModelLayers.of(OnnxModel.load(Examples.model(name)), Grouping.QSVIT);
        Dataset all = images();
        Dataset first = all.first(32);
        Dataset rest = all.select(java.util.stream.IntStream.range(32, 48).toArray());
        List<Setting> trials = new ArrayList<>();
        List<Group> groups = model.groups();
        for (int g = 1; g < groups.size(); g++) {
            // two probes of one group, then a candidate lowering that group and every later one
            trials.add(alone(groups.get(g), U4));
            trials.add(alone(groups.get(g), P3));
            Map<String, Scheme> later = new LinkedHashMap<>();
            for (int h = g; h < groups.size(); h++) {
                later.put(groups.get(h).name(), h % 2 == 0 ? U4 : P3);
            }
            trials.add(new Setting(Grouping.QSVIT, Scheme.FLOAT32, later));
        }
        trials.add(Setting.uniform(Grouping.QSVIT, U4)); // every group: the whole model
        try (EvaluationSession whole = EvaluationSession.open(model, 1);
             EvaluationSession cutFrom = EvaluationSession.open(model, 1)) {
            long oneSet = 0;
            int withCut = 0;
            for (Setting trial : trials) {
                long bytes = keptBytes(cutFrom, trial, first);
                oneSet = Math.max(oneSet, bytes);
                withCut += bytes > 0 ? 1 : 0;
            }
            // every trial leaving the first group float has a cut (on SDTv2 even all-uniform4: before the first
            // weight lies the repetition over time steps)
            assertTrue(withCut >= trials.size() - 1, withCut + " of " + trials.size() + " trials with a cut");
            // room for the 32-image set alone: alternating sets drop each other's kept prefix
            try (PrefixCache cache = new PrefixCache(cutFrom, 1, 16, oneSet + oneSet / 4, eager(), l -> 0.5)) {
                int suffixOnly = 0;
                for (Setting trial : trials) {
                    for (Dataset on : List.of(first, rest, first)) {
                        Optional<EvaluationSession.Outputs> got = cache.run(trial, on);
                        whole.use(trial);
                        EvaluationSession.Outputs expected = whole.run(on, 16);
                        if (got.isPresent()) {
                            suffixOnly++;
                            for (int i = 0; i < on.size(); i++) {
                                assertArrayEquals(expected.scores()[i], got.get().scores()[i], 0f,
                                        name + " " + trial + " image " + i);
                            }
                            assertEquals(expected.firingRates(), got.get().firingRates(), trial.toString());
                        }
                        assertTrue(cache.keptBytes() <= oneSet + oneSet / 4, cache.keptBytes() + " bytes kept");
                    }
                }
                assertEquals(3 * withCut, suffixOnly, name + ": trials run on a kept prefix");
            }
        }
    }

    @Test
    void aBudgetBelowOneImageSetRunsTheWholeModel() {
        ModelLayers model = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), Grouping.QSVIT);
        Dataset on = images().first(32);
        try (EvaluationSession session = EvaluationSession.open(model, 1);
             PrefixCache cache = new PrefixCache(session, 1, 16, 1, eager(), l -> 0.5)) {
            Setting probe = alone(model.groups().get(5), U4);
            assertFalse(cache.run(probe, on).isPresent());
            assertFalse(cache.run(probe, on).isPresent());
            assertEquals(0, cache.keptBytes());
            assertEquals(0, cache.suffixRuns());
        }
    }

    @Test
    void aCutOpensOnlyOnceItsReusePays() {
        ModelLayers model = ModelLayers.of(OnnxModel.load(Examples.model("sdtv2")), Grouping.QSVIT);
        Dataset on = images().first(32);
        CutCosts costs = new CutCosts(1.0); // one second to open a cut
        costs.evaluated(32, 32 * 0.01); // 10 ms an image: half the model is 0.16 s per 32 images
        try (EvaluationSession session = EvaluationSession.open(model, 1);
             PrefixCache cache = new PrefixCache(session, 1, 16, Long.MAX_VALUE, costs, l -> 0.5)) {
            Group group = model.groups().get(5);
            int trial = 0;
            while (cache.run(alone(group, trial % 2 == 0 ? U4 : P3), on).isEmpty()) {
                trial++;
            }
            // 0.5 x 0.01 s x 32 images x (trials + 1) > 1 s first at the seventh trial
            assertEquals(6, trial);
        }
    }

    /** The bytes a trial's cut keeps for the images; 0 where it has no cut. */
    private static long keptBytes(EvaluationSession session, Setting trial, Dataset on) {
        try (PrefixCache probe = new PrefixCache(session, 1, 16, Long.MAX_VALUE, eager(), l -> 0.5)) {
            return probe.run(trial, on).isPresent() ? probe.keptBytes() : 0;
        }
    }

    private static Setting alone(Group group, Scheme scheme) {
        return new Setting(Grouping.QSVIT, Scheme.FLOAT32, Map.of(group.name(), scheme));
    }
}
