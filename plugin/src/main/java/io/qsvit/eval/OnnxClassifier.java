package io.qsvit.eval;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.data.TimeLayout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * An image classifier in an ONNX file, run by ONNX Runtime on the CPU: one session, reused for every batch.
 * The model must take one float tensor [batch, ...] (images: [batch, channels, height, width]) and give class
 * scores [batch, classes].
 */
public final class OnnxClassifier implements AutoCloseable {
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final InputLayout layout;
    /** Number of classes the model scores; -1 until the first batch when the model leaves it symbolic. */
    private int classes;

    private OnnxClassifier(OrtSession session, String inputName, long[] inputShape, int classes) {
        this.session = session;
        this.inputName = inputName;
        this.inputShape = inputShape;
        this.layout = InputLayout.of(inputShape, TimeLayout.AUTO, "the model");
        this.classes = classes;
    }

    public static OnnxClassifier open(Path model, int threads) {
        if (!Files.isRegularFile(model)) {
            throw new UserInputException("model file not found: " + model);
        }
        OrtSession session = null;
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            // a simulated model's overridable weights are meant (QuantizedArtifacts): no warning for each
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            // batches are read on worker threads while the model runs: idle ONNX Runtime threads sleep instead of
            // spinning against them (as the evaluate step's session does)
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = OrtEnvironment.getEnvironment().createSession(model.toString(), options);
            return inspect(session, model);
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime cannot load " + model + ": " + firstLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static OnnxClassifier inspect(OrtSession session, Path model) throws OrtException {
        if (session.getNumInputs() != 1) {
            throw new UserInputException(model + " has " + session.getNumInputs()
                    + " inputs; an image classifier with one image input is expected");
        }
        Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
        if (!(input.getValue().getInfo() instanceof TensorInfo in) || in.type != OnnxJavaType.FLOAT
                || in.getShape().length < 2) {
            throw new UserInputException(model + ": input '" + input.getKey() + "' is " + input.getValue().getInfo()
                    + "; a float tensor [batch, ...] such as [batch, channels, height, width] is expected");
        }
        NodeInfo output = session.getOutputInfo().values().iterator().next();
        if (!(output.getInfo() instanceof TensorInfo out) || out.getShape().length != 2
                || out.getShape()[1] == 0 || out.getShape()[1] == 1) {
            throw new UserInputException(model + ": output '" + output.getName() + "' is " + output.getInfo()
                    + "; class scores [batch, classes] are expected");
        }
        return new OnnxClassifier(session, input.getKey(), in.getShape(), (int) out.getShape()[1]);
    }

    /** The sample shape the model's input declares, or null where a dimension is symbolic. */
    public SampleShape sampleShape() {
        return layout.sampleShape(inputShape, 0);
    }

    /** Class scores of every sample, in order. */
    public float[][] scores(Dataset data, int batchSize) {
        checkFits(data);
        int batch = fixedBatch() > 0 ? (int) fixedBatch() : Math.max(1, Math.min(batchSize, data.size()));
        if (fixedBatch() > 0 && data.size() % batch != 0) {
            throw new UserInputException("the model's batch dimension is fixed at " + batch
                    + " and does not divide the " + data.size() + " images");
        }
        float[][] all = new float[data.size()][];
        try (InputBatches batches = new InputBatches(data, batch, layout.batchAxis())) {
            for (int b = 0; b < batches.count(); b++) {
                try (InputBatches.Next next = batches.next();
                     OrtSession.Result result = session.run(Map.of(inputName, next.tensor()))) {
                    int start = next.start();
                    int n = next.size();
                    float[][] scores = (float[][]) result.get(0).getValue();
                    if (start == 0) {
                        checkLabels(data, scores[0].length);
                    }
                    System.arraycopy(scores, 0, all, start, n);
                }
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to evaluate the model: " + firstLine(e.getMessage()), e);
        }
        return all;
    }

    private long fixedBatch() {
        return layout.fixedBatch(inputShape);
    }

    private void checkFits(Dataset data) {
        layout.checkFits(inputShape, data.shape(), inputName);
        if (classes > 0) {
            checkLabels(data, classes);
        }
    }

    private void checkLabels(Dataset data, int scored) {
        if (scored < 2) {
            throw new UserInputException("the model gives " + scored + " score per image; class scores are expected");
        }
        if (data.maxLabel() >= scored) {
            throw new UserInputException("data has label " + data.maxLabel() + " but the model scores only "
                    + scored + " classes");
        }
        classes = scored;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        return message.strip().lines().findFirst().orElse(message);
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // already failing with a clearer error
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing ONNX Runtime session", e);
        }
    }
}
