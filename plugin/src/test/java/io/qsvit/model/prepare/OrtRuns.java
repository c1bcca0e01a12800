package io.qsvit.model.prepare;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs small hand-built models in ONNX Runtime for the preparation tests. */
final class OrtRuns {
    private OrtRuns() {
    }

    /** Random values in [-1, 1), seeded. */
    static float[] random(long seed, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    /** The first output of the model for one float input. */
    static float[] run(ModelProto model, String input, float[] values, long... shape) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toByteArray(), options);
             OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            OnnxValue out = result.get(0);
            FloatBuffer buffer = ((OnnxTensor) out).getFloatBuffer();
            float[] values2 = new float[buffer.remaining()];
            buffer.get(values2);
            return values2;
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** Largest |a - b| over the largest |a|. */
    static double relativeDifference(float[] a, float[] b) {
        double max = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        return scale == 0 ? max : max / scale;
    }
}
