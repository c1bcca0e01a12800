package io.qsvit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.quant.Runtime;
import io.qsvit.step.ApplyStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small spiking synthetic SDTv2 whose last split layer (a spike-input 1x1 Conv, fan-in 308) feeds the scores
 * through a mean only, with no threshold between that could hide a rounding difference: at ONNX Runtime's default
 * optimization level (where its Conv-Mul fusion would fold a constant scale back into the weights) the real model's
 * scores equal the simulated model's bit for bit under both runtimes, at uniform8 and pow2-4. About 10-20 s.
 */
class SplitLayersExactTest {
    @TempDir
    Path dir;

    @Test
    void scoresFedByASplitLayerAreExactUnderBothRuntimes() throws Exception {
        Path model = dir.resolve("synthetic/model.onnx");
        Files.createDirectories(model.getParent());
        Files.write(model, SyntheticModel.spiking(0.15).toByteArray());
        int images = 8;
        int size = 3 * SyntheticModel.SIDE * SyntheticModel.SIDE;
        float[] pixels = new float[images * size];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels),
                new long[] {images, 3, SyntheticModel.SIDE, SyntheticModel.SIDE})) {
            for (String scheme : new String[] {"uniform8", "pow2-4"}) {
                Path setting = Files.writeString(dir.resolve(scheme + ".yaml"), "default: " + scheme + "\n");
                float[][] simulated = null;
                for (Runtime runtime : Runtime.values()) {
                    Path out = dir.resolve(scheme + "-" + runtime.id());
                    ApplyStep.run(model, setting, out, false, Preprocessing.NONE, runtime);
                    if (simulated == null) {
                        simulated = scores(env, out.resolve(ApplyStep.SIMULATED), x);
                    }
                    float[][] real = scores(env, out.resolve(ApplyStep.REAL), x);
                    double worst = 0;
                    double largest = 0;
                    for (int i = 0; i < images; i++) {
                        for (int c = 0; c < real[i].length; c++) {
                            worst = Math.max(worst, Math.abs(real[i][c] - simulated[i][c]));
                            largest = Math.max(largest, Math.abs(simulated[i][c]));
                        }
                    }
                    assertTrue(largest > 0, "scores that say something");
                    assertEquals(0.0, worst, scheme + " " + runtime.id());
                }
            }
        }
    }

    private static float[][] scores(OrtEnvironment env, Path folder, OnnxTensor x) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(folder.resolve("model.onnx").toString(), options);
                 OrtSession.Result result = session.run(Map.of("image", x))) {
                return (float[][]) result.get(0).getValue();
            }
        }
    }
}
