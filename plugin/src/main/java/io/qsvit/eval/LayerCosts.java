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
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Multiply-accumulates per input image of every layer (what SNN papers call FLOPs), measured rather than
 * derived: the model runs once on one blank image with each weight consumer's input and output exposed as
 * graph outputs, so the real activation shapes (timesteps folded into the batch included) give exact counts.
 * MACs = output elements x (weight elements / output channels); for ConvTranspose, input elements x
 * (weight elements / input channels).
 */
public final class LayerCosts {
    private final Map<String, Long> macs;

    private LayerCosts(Map<String, Long> macs) {
        this.macs = macs;
    }

    public long macsPerImage(Layer layer) {
        return macs.getOrDefault(layer.tensorName(), 0L);
    }

    public static LayerCosts measure(ModelLayers model) {
        Set<String> probes = new LinkedHashSet<>();
        for (Layer l : model.layers()) {
            probes.add(l.output());
            probes.add(l.dataInput());
        }
        Map<String, long[]> shapes = ShapeProbe.run(model, probes);
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
        return new LayerCosts(macs);
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

        static Map<String, long[]> run(ModelLayers model, Set<String> values) {
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
            long[] shape = concreteShape(input);
            ModelProto probe = proto.toBuilder().setGraph(graph).build();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = Sessions.options(Runtime.getRuntime().availableProcessors());
                 OrtSession session = Sessions.create(probe, model.model(), options);
                 OnnxTensor blank = OnnxTensor.createTensor(env, FloatBuffer.allocate((int) elements(shape)), shape);
                 OrtSession.Result result = session.run(Map.of(input.getName(), blank), values)) {
                Map<String, long[]> shapes = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    shapes.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).getShape());
                }
                shapes.put(BATCH, new long[] {shape[0]});
                return shapes;
            } catch (OrtException e) {
                throw new UserInputException("ONNX Runtime cannot run " + model.model().file() + " to measure layer "
                        + "shapes: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }

        private static ValueInfoProto firstDataInput(GraphProto graph) {
            Set<String> initializers = new LinkedHashSet<>();
            graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
            return graph.getInputList().stream().filter(i -> !initializers.contains(i.getName())).findFirst()
                    .orElseThrow(() -> new UserInputException("the model has no input"));
        }

        /** The input's shape with a symbolic batch (first) dimension set to 1. */
        private static long[] concreteShape(ValueInfoProto input) {
            TensorShapeProto shape = input.getType().getTensorType().getShape();
            long[] dims = new long[shape.getDimCount()];
            for (int i = 0; i < dims.length; i++) {
                TensorShapeProto.Dimension d = shape.getDim(i);
                dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : i == 0 ? 1 : -1;
                if (dims[i] < 0) {
                    throw new UserInputException("input '" + input.getName() + "' has a symbolic dimension " + i
                            + " other than the batch; its layer costs cannot be measured");
                }
            }
            if (input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new UserInputException("input '" + input.getName() + "' is not float32");
            }
            return dims;
        }
    }
}
