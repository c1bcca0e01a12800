package io.qsvit.eval;

import io.qsvit.Examples;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cell of a sensitivity sweep (one group quantized, the rest float32) gives bit for bit the same scores
 * and firing rates through the prefix/suffix cut as through the whole switchable session, on both reference
 * models; with a budget smaller than one batch's activations too (chunks of one batch).
 */
class SuffixEvaluationTest {
    private static final List<Scheme> PRECISIONS = List.of(Scheme.parse("uniform4"), Scheme.parse("pow2-3"));

    @ParameterizedTest
    @ValueSource(strings = {"sdtv2", "spikformer"})
    void everySensitivityCellMatchesTheWholeSession(String name) {
        ModelLayers model = ModelLayers.of(OnnxModel.load(Examples.model(name)), Grouping.QSVIT);
        Dataset images = IdxDataset.load(Examples.subset(), IdxDataset.TEST_SPLIT).first(32);
        Setting base = Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32);
        int cut = 0;
        int changedScores = 0;
        try (EvaluationSession whole = EvaluationSession.open(model, 1)) {
            float[][] floatScores = whole.run(images, 16).scores();
            for (int g = 0; g < model.groups().size(); g++) {
                Group group = model.groups().get(g);
                List<Setting> cells = new ArrayList<>();
                PRECISIONS.forEach(p -> cells.add(new Setting(Grouping.QSVIT, Scheme.FLOAT32, Map.of(group.name(), p))));
                Optional<SuffixEvaluation> suffix = SuffixEvaluation.open(whole, List.of(group), 1);
                if (suffix.isEmpty()) {
                    continue;
                }
                cut++;
                try (SuffixEvaluation s = suffix.get()) {
                    assertFalse(s.frontier().isEmpty());
                    // 16 images a batch; a one-byte budget keeps one batch's activations at a time
                    List<EvaluationSession.Outputs> chunked = s.run(base, cells, images, 16, 1);
                    List<EvaluationSession.Outputs> together = s.run(base, cells, images, 16, Long.MAX_VALUE);
                    for (int c = 0; c < cells.size(); c++) {
                        whole.use(cells.get(c));
                        EvaluationSession.Outputs expected = whole.run(images, 16);
                        changedScores += java.util.Arrays.deepEquals(floatScores, expected.scores()) ? 0 : 1;
                        for (EvaluationSession.Outputs got : List.of(chunked.get(c), together.get(c))) {
                            for (int i = 0; i < images.size(); i++) {
                                assertArrayEquals(expected.scores()[i], got.scores()[i], 0f,
                                        name + " " + group.name() + " " + cells.get(c) + " image " + i);
                            }
                            assertEquals(expected.firingRates(), got.firingRates(), group.name());
                        }
                    }
                }
            }
        }
        // the cells really quantize: most change some score
        assertTrue(changedScores > cut, changedScores + " cells changed a score");
        // every group but the first (whose prefix is the data input alone) reuses a prefix
        assertTrue(cut >= model.groups().size() - 1, cut + " of " + model.groups().size() + " groups cut");
    }
}
