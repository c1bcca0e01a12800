package io.qsvit.eval;

import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.MemoryDataset;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.model.Grouping;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.TestGraphs;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Models whose input has a time axis ([N, T, C, H, W] and [T, N, C, H, W]): samples [T, C, H, W] go where the
 * layout says, every timestep sees its own frame, and firing rates, MACs and energy count every timestep.
 */
class TimeAxisModelTest {
    static final int T = 3;
    static final int N = 5;

    @TempDir
    Path dir;

    private ModelLayers model(boolean timeMajor) throws IOException {
        Path file = Files.write(dir.resolve(timeMajor ? "tnchw.onnx" : "ntchw.onnx"),
                TestGraphs.timeAxisClassifier(timeMajor, T).toByteArray());
        return ModelLayers.of(OnnxModel.load(file), Grouping.QSVIT);
    }

    /** N samples [T, 2, 2, 2] of values 0 or 1 (event counts), labels alternating. */
    private static Dataset samples() {
        Random random = new Random(7);
        float[] values = new float[N * T * 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(3) == 0 ? 1 : 0;
        }
        return new MemoryDataset(values, new int[] {0, 1, 0, 1, 0}, SampleShape.of(T, 2, 2, 2), List.of(), "memory");
    }

    /** The model by hand: per timestep spikes = features 0..2 >= 0.5, scores = mean over t of spikes x head. */
    private static double[][] expected(Dataset data, double[] rate) {
        double[][] scores = new double[N][2];
        float[] sample = new float[T * 8];
        double spikes = 0;
        for (int i = 0; i < N; i++) {
            data.read(i, sample);
            for (int t = 0; t < T; t++) {
                double[] s = new double[3];
                for (int j = 0; j < 3; j++) {
                    s[j] = sample[t * 8 + j] >= 0.5f ? 1 : 0;
                    spikes += s[j];
                }
                scores[i][0] += (s[0] + s[2]) / T;
                scores[i][1] += (s[1] + s[2]) / T;
            }
        }
        rate[0] = spikes / (N * T * 3);
        return scores;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void framesGoWhereTheLayoutSaysAndEveryTimestepCounts(boolean timeMajor) throws IOException {
        ModelLayers layers = model(timeMajor);
        Dataset data = samples();
        double[] rate = new double[1];
        double[][] want = expected(data, rate);
        try (EvaluationSession session = EvaluationSession.open(layers, 1)) {
            assertEquals(timeMajor ? new InputLayout(1, 0) : new InputLayout(0, 1), session.layout());
            assertEquals(SampleShape.of(T, 2, 2, 2), session.sampleShape());
            EvaluationSession.Outputs out = session.run(data, 2);   // batches of 2, 2 and 1
            for (int i = 0; i < N; i++) {
                assertArrayEquals(new float[] {(float) want[i][0], (float) want[i][1]}, out.scores()[i], 1e-6f, "sample " + i);
            }
            assertEquals(rate[0], out.firingRates().get("head.weight"), 1e-6);
            LayerCosts costs = session.layerCosts(data.shape());
            assertEquals(T * 8 * 3, costs.macsPerImage(layers.layers().get(0)));
            assertEquals(T * 3 * 2, costs.macsPerImage(layers.layers().get(1)));
            EnergyEstimate energy = EnergyEstimate.of(layers, Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32), costs,
                    out.firingRates(), EnergyTable.defaults());
            assertEquals(T * 24 * 4.6 + rate[0] * T * 6 * 0.9, energy.totalPj(), 1e-6);
        }
    }

    @Test
    void aFixedTimeAxisAndASymbolicBatchAreFoundEitherWay() {
        assertEquals(new InputLayout(0, 1), InputLayout.of(new long[] {-1, 4, 2, 34, 34}, TimeLayout.AUTO, "m"));
        assertEquals(new InputLayout(1, 0), InputLayout.of(new long[] {4, -1, 2, 34, 34}, TimeLayout.AUTO, "m"));
        assertEquals(new InputLayout(0, 1), InputLayout.of(new long[] {1, 4, 2, 34, 34}, TimeLayout.AUTO, "m"));
        assertEquals(new InputLayout(1, 0), InputLayout.of(new long[] {1, 4, 2, 34, 34}, TimeLayout.TNCHW, "m"));
        assertEquals(InputLayout.BATCH_FIRST, InputLayout.of(new long[] {-1, 1, 28, 28}, TimeLayout.AUTO, "m"));
    }

    @Test
    void aSymbolicTimeAxisTakesFramesAndAFixedOneMustMatch() {
        InputLayout layout = InputLayout.of(new long[] {-1, -1, 2, 34, 34}, TimeLayout.AUTO, "m");
        long[] shape = {-1, -1, 2, 34, 34};
        assertEquals(null, layout.sampleShape(shape, 0));
        assertEquals(SampleShape.of(6, 2, 34, 34), layout.sampleShape(shape, 6));
        assertArrayEquals(new long[] {1, 6, 2, 34, 34}, layout.concrete(shape, 1, 6, "m"));
        assertEquals("m: input dimension 1 of [?, ?, 2, 34, 34] is symbolic (the time axis; give --frames T)",
                assertThrows(UserInputException.class, () -> layout.concrete(shape, 1, 0, "m")).getMessage());
        assertEquals("--frames 8 but the model's time axis is fixed at 4", assertThrows(UserInputException.class,
                () -> new InputLayout(0, 1).sampleShape(new long[] {-1, 4, 2, 34, 34}, 8)).getMessage());
    }

    @Test
    void aTimeLayoutForAModelWithoutTimeIsRefused() {
        assertEquals("--time-layout tnchw is for models whose input has a time axis ([N, T, C, H, W] or"
                + " [T, N, C, H, W]); m.onnx takes [?, 1, 28, 28]", assertThrows(UserInputException.class,
                () -> InputLayout.of(new long[] {-1, 1, 28, 28}, TimeLayout.TNCHW, "m.onnx")).getMessage());
    }

    @Test
    void dataOfTheWrongFrameCountIsRefused() throws IOException {
        Dataset four = new MemoryDataset(new float[4 * 8], new int[] {0}, SampleShape.of(4, 2, 2, 2), List.of(), "memory");
        try (EvaluationSession session = EvaluationSession.open(model(false), 1)) {
            assertEquals("data samples are 4x2x2x2 but the model input 'events' is [?, 3, 2, 2, 2] (ntchw)",
                    assertThrows(UserInputException.class, () -> session.run(four, 1)).getMessage());
        }
    }
}
