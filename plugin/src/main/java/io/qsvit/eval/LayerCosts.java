package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Multiply-accumulates per input sample of every layer (what SNN papers call FLOPs), measured rather than
 * derived: the model runs once on one blank sample with each weight consumer's input and output exposed as
 * graph outputs, so the real activation shapes give exact counts, every timestep included (timesteps folded into
 * the batch, or a time axis in the input: [N, T, C, H, W] or [T, N, C, H, W] with N = 1).
 * MACs = output elements x (weight elements / output channels); for ConvTranspose, input elements x
 * (weight elements / input channels).
 */
public final class LayerCosts {
    private final Map<String, Long> macs;
    private final String unmeasured;

    private LayerCosts(Map<String, Long> macs, String unmeasured) {
        this.macs = macs;
        this.unmeasured = unmeasured;
    }

    public long macsPerImage(Layer layer) {
        return macs.getOrDefault(layer.tensorName(), 0L);
    }

    /** Why the costs were not measured (then every layer's MACs read 0), or null when they were. */
    public String unmeasured() {
        return unmeasured;
    }

    /**
     * For listing a model qsvit cannot evaluate (an NLP model whose input is token ids, say): its costs where its
     * first input is float32, else no costs and the reason, rather than a refusal.
     */
    public static LayerCosts measureIfPossible(ModelLayers model) {
        ValueInfoProto input = ShapeProbe.firstDataInput(model.model().proto().getGraph());
        int type = input.getType().getTensorType().getElemType();
        if (type != TensorProto.DataType.FLOAT_VALUE) {
            TensorProto.DataType named = TensorProto.DataType.forNumber(type);
            return new LayerCosts(Map.of(), "input '" + input.getName() + "' is " + (named == null ? "of type " + type
                    : named.name().toLowerCase(Locale.ROOT)) + ", not float32 image or event frames");
        }
        return measure(model);
    }

    public static LayerCosts measure(ModelLayers model) {
        return measure(model, TimeLayout.AUTO, 0);
    }

    /**
     * Costs per sample of a model whose input may have a time axis: one sample of {@code frames} timesteps where
     * the time axis is symbolic (0: the model fixes it), every timestep counted.
     */
    public static LayerCosts measure(ModelLayers model, TimeLayout timeLayout, int frames) {
        Set<String> probes = new LinkedHashSet<>();
        for (Layer l : model.layers()) {
            probes.add(l.output());
            probes.add(l.dataInput());
        }
        Map<String, long[]> shapes = ShapeProbe.run(model, probes, timeLayout, frames);
        long batch = shapes.getOrDefault(ShapeProbe.BATCH, new long[] {1})[0];
        Map<String, Long> macs = new HashMap<>();
        for (Layer l : model.layers()) {
            long[] out = shapes.get(l.output());
            long[] in = shapes.get(l.dataInput());
            long n = switch (l.opType()) {
                case "Conv" -> elements(out) * (l.params() / out[1]);
                case "ConvTranspose" -> elements(in) * (l.params() / in[1]);
                // Gemm, MatMul: x @ W gives W's columns per output row, W @ x W's rows per output column
                default -> elements(out) * (l.params() / out[l.weightInput() == 1 ? out.length - 1 : out.length - 2]);
            };
            macs.put(l.tensorName(), n / batch);
        }
        return new LayerCosts(macs, null);
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Runs the model on one blank input and returns the shapes of the requested values. */
    static final class ShapeProbe {
        static final String BATCH = "\0batch";

        static Map<String, long[]> run(ModelLayers model, Set<String> values, TimeLayout timeLayout, int frames) {
            ModelProto proto = model.model().proto();
            GraphProto.Builder graph = proto.getGraph().toBuilder();
            Set<String> existing = new LinkedHashSet<>();
            graph.getOutputList().forEach(o -> existing.add(o.getName()));
            for (String v : values) {
                if (!existing.contains(v)) {
                    // no element type: ONNX Runtime takes the producer's (float16 in a float16 model)
                    graph.addOutput(ValueInfoProto.newBuilder().setName(v));
                }
            }
            ValueInfoProto input = firstDataInput(proto.getGraph());
            long[] declared = declaredShape(input);
            InputLayout layout = InputLayout.of(declared, timeLayout, model.model().file());
            long[] shape = layout.concrete(declared, 1, frames, model.model().file());
            ModelProto probe = proto.toBuilder().setGraph(graph).build();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = probeOptions();
                 OrtSession session = Sessions.create(probe, model.model(), options);
                 OnnxTensor blank = OnnxTensor.createTensor(env, FloatBuffer.allocate((int) elements(shape)), shape);
                 OrtSession.Result result = session.run(Map.of(input.getName(), blank), values)) {
                Map<String, long[]> shapes = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    shapes.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).getShape());
                }
                shapes.put(BATCH, new long[] {shape[layout.batchAxis()]});
                return shapes;
            } catch (OrtException e) {
                throw new UserInputException("ONNX Runtime cannot run " + model.model().file() + " to measure layer "
                        + "shapes: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }

        /**
         * Shapes do not depend on ONNX Runtime's graph rewrites, so the probe's session skips them: it runs one
         * blank sample, and the rewrites were most of its cost (every step that reports energy builds one).
         */
        private static OrtSession.SessionOptions probeOptions() throws OrtException {
            OrtSession.SessionOptions options = Sessions.options(Runtime.getRuntime().availableProcessors());
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            return options;
        }

        private static ValueInfoProto firstDataInput(GraphProto graph) {
            Set<String> initializers = new LinkedHashSet<>();
            graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
            return graph.getInputList().stream().filter(i -> !initializers.contains(i.getName())).findFirst()
                    .orElseThrow(() -> new UserInputException("the model has no input"));
        }

        /** The input's declared shape, -1 for symbolic dimensions. */
        private static long[] declaredShape(ValueInfoProto input) {
            TensorShapeProto shape = input.getType().getTensorType().getShape();
            long[] dims = new long[shape.getDimCount()];
            for (int i = 0; i < dims.length; i++) {
                TensorShapeProto.Dimension d = shape.getDim(i);
                dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
            }
            if (input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new UserInputException("input '" + input.getName() + "' is not float32");
            }
            return dims;
        }
    }
}
