package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.qsvit.UserInputException;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.model.prepare.PreparationRecord;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Models as every step reads them: {@linkplain Preparation prepared}, and, where preparing changed what the
 * graph computes (a BatchNormalization folded), checked: the original and the prepared model run on the same
 * {@value #PROBES} inputs (uniform in [0, 1), seeded), and each input's float outputs must agree within
 * {@value #TOLERANCE} of the largest original output. One input may miss: a fold rounds the folded weights
 * where the BatchNormalization rounded activations, and a spiking neuron whose potential sits on its threshold
 * can then fire on one side and not the other (folding in double precision did that to 1 of the 2000 bundled
 * test images of the Spikformer reference; in ONNX Runtime's float32 order, as now, all 2000 come out
 * bit-identical); a wrong fold moves every input. The numbers go into the preparation record; a model that fails is refused rather than measured as
 * something it is not.
 */
public final class PreparedModels {
    /** Largest accepted difference, relative to the largest absolute output of the original. */
    public static final double TOLERANCE = 1e-4;
    /**
     * The same for a model whose BatchNormalization worked in float16 or bfloat16: folding rounds the folded
     * weights to that type (a float16 ulp is 2^-10 of the value, a bfloat16 one 2^-7), and the measured
     * difference on the float16 Spikformer is of that order: 1.4e-2 at most over the probes; on the 2000 bundled
     * test images 1298 identical, the 90th percentile 4e-3, one image 7.9e-2 (a spike), 1999 classified alike,
     * where that model itself differs from its float32 original by 5.9e-2 at the 90th percentile.
     */
    public static final double HALF_TOLERANCE = 5e-2;
    static final int PROBES = 8;
    private static final long SEED = 20250401L;

    private PreparedModels() {
    }

    /** Reads and prepares the model at {@code path} (an .onnx file or a folder holding model.onnx). */
    public static Preparation.Prepared load(Path path) {
        return prepare(OnnxModel.load(path));
    }

    public static Preparation.Prepared prepare(OnnxModel model) {
        Preparation.Prepared prepared = Preparation.prepare(model);
        if (prepared.record().check() != null || prepared.record().folded().isEmpty()) {
            return prepared; // nothing folded now, or checked when it was (an artifact's record)
        }
        PreparationRecord.Check check = check(prepared);
        if (!check.passed()) {
            throw new UserInputException(model.file() + ": folding BatchNormalization changed the model's outputs by "
                    + String.format("%.3g", check.maxRelative()) + " of their scale (" + check.inputs()
                    + "); at most " + check.tolerance() + " is accepted");
        }
        return prepared.withCheck(check);
    }

    /** Runs both models on the same probe inputs and compares their float outputs. */
    static PreparationRecord.Check check(Preparation.Prepared prepared) {
        GraphProto graph = prepared.original().proto().getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<ValueInfoProto> inputs = graph.getInputList().stream().filter(i -> !initializers.contains(i.getName())).toList();
        if (inputs.size() != 1) {
            return skipped("the model has " + inputs.size() + " inputs");
        }
        ValueInfoProto input = inputs.get(0);
        if (input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            return skipped("input '" + input.getName() + "' is not float32");
        }
        TensorShapeProto shape = input.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : i == 0 ? PROBES : -1;
            if (dims[i] < 0) {
                return skipped("input '" + input.getName() + "' has a symbolic dimension " + i);
            }
            count *= dims[i];
        }
        float[] values = new float[(int) count];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        String described = dims[0] + " inputs uniform in [0, 1), seed " + SEED;
        List<float[]> before = run(prepared.original(), prepared.original(), input.getName(), values, dims);
        List<float[]> after = run(prepared.model(), prepared.original(), input.getName(), values, dims);
        int probes = (int) dims[0];
        double maxAbsolute = 0;
        double scale = 0;
        double[] perProbe = new double[probes];
        for (int o = 0; o < before.size(); o++) {
            float[] a = before.get(o);
            float[] b = after.get(o);
            int chunk = Math.max(1, a.length / probes);
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs((double) a[i] - b[i]);
                maxAbsolute = Math.max(maxAbsolute, d);
                perProbe[Math.min(probes - 1, i / chunk)] = Math.max(perProbe[Math.min(probes - 1, i / chunk)], d);
                scale = Math.max(scale, Math.abs(a[i]));
            }
        }
        double tolerance = tolerance(prepared.record());
        int within = 0;
        for (double d : perProbe) {
            within += (scale == 0 ? d : d / scale) <= tolerance ? 1 : 0;
        }
        double relative = scale == 0 ? maxAbsolute : maxAbsolute / scale;
        return new PreparationRecord.Check(described, probes, within, maxAbsolute, relative, tolerance, null);
    }

    private static PreparationRecord.Check skipped(String why) {
        return new PreparationRecord.Check(null, 0, 0, 0, 0, TOLERANCE, why);
    }

    static double tolerance(PreparationRecord record) {
        return record.folded().stream().anyMatch(PreparationRecord.Fold::halfPrecision) ? HALF_TOLERANCE : TOLERANCE;
    }

    /** The float32 outputs of one model, flattened, in output order. */
    private static List<float[]> run(OnnxModel model, OnnxModel source, String input, float[] values, long[] dims) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = Sessions.options(Runtime.getRuntime().availableProcessors());
             OrtSession session = Sessions.create(model.proto(), source, options);
             OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            List<float[]> outputs = new ArrayList<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer buffer = t.getFloatBuffer();
                    float[] out = new float[buffer.remaining()];
                    buffer.get(out);
                    outputs.add(out);
                }
            }
            return outputs;
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime cannot run " + model.file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
