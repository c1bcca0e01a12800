package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Runs a model and its upgraded copies in ONNX Runtime on the same inputs: the outputs must be the same
 * (bit for bit unless a tolerance is asked for), since the converter only restates the computation.
 */
final class Differential {
    private Differential() {
    }

    static List<TensorProto> run(ModelProto model, List<TensorProto> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            try (OrtSession session = env.createSession(model.toByteArray(), options)) {
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (TensorProto t : inputs) {
                        feed.put(t.getName(), TensorValues.input(env, t));
                    }
                    try (OrtSession.Result result = session.run(feed)) {
                        List<TensorProto> out = new ArrayList<>();
                        for (var output : model.getGraph().getOutputList()) {
                            OnnxValue v = result.get(output.getName()).orElseThrow();
                            out.add(TensorValues.proto((OnnxTensor) v, output.getType().getTensorType().getElemType()));
                        }
                        return out;
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException e) {
            throw new AssertionError("ONNX Runtime: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The model upgraded to every op-set above its own computes exactly what it computes. */
    static void assertSame(ModelProto model, List<TensorProto> inputs) {
        assertSameAs(run(model, inputs), model, inputs, true);
    }

    /** As {@link #assertSame}, against given outputs (where ONNX Runtime cannot run the original). */
    static void assertSameAs(List<TensorProto> expected, ModelProto model, List<TensorProto> inputs, boolean exact) {
        assertSameAs(expected, model, inputs, exact, OpsetConverter.opset(model) + 1);
    }

    /** As above, from op-set {@code first} on (where ONNX Runtime lacks a kernel for the types at lower ones). */
    static void assertSameAs(List<TensorProto> expected, ModelProto model, List<TensorProto> inputs, boolean exact,
                             int first) {
        for (int target = first; target <= OpsetConverter.MAX_OPSET; target++) {
            ModelProto upgraded = OpsetConverter.upgrade(model, target);
            assertEquals(target, OpsetConverter.opset(upgraded));
            List<TensorProto> actual = run(upgraded, inputs);
            for (int k = 0; k < expected.size(); k++) {
                if (exact) {
                    assertEquals(expected.get(k).getDimsList(), actual.get(k).getDimsList(), "op-set " + target);
                    assertEquals(expected.get(k).getRawData(), actual.get(k).getRawData(), "op-set " + target + ", output " + k);
                } else {
                    assertNull(TensorValues.mismatch(actual.get(k), expected.get(k)), "op-set " + target);
                }
            }
        }
    }
}
