package io.qsvit.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.opset.OpsetConverter;
import io.qsvit.model.prepare.Preparation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a setting to a model and builds its two quantized forms in one pass over the weights:
 * <ul>
 *   <li><b>simulated</b>: the same graph with every weight replaced by its dequantized float32 values
 *       (fake quantization: what QSViT evaluates), the quantized ones overridable initializers so ONNX Runtime
 *       computes them as it computes the real model's;</li>
 *   <li><b>real</b>: each weight stored as integer codes (INT4/UINT4, INT8/UINT8, INT16/UINT16) plus scales,
 *       decoded by DequantizeLinear (uniform), or by DequantizeLinear, Cast and Gather from a table of
 *       power-of-two levels, then Mul by the scale (pow2). The decode computes the same float32 products as
 *       the simulated weights, so both models give identical outputs; the file is really smaller.</li>
 * </ul>
 * Both carry the setting in their {@code metadata_props} so the file alone says what it is.
 */
public final class QuantizedArtifacts {
    public static final String SETTING_KEY = "qsvit.setting";
    public static final String FORM_KEY = "qsvit.form";

    /** The two forms, by the names apply gives their folders and {@value #FORM_KEY} gives the models. */
    public enum Form {
        SIMULATED, REAL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ModelProto simulated;
    private final ModelProto real;

    private QuantizedArtifacts(ModelProto simulated, ModelProto real) {
        this.simulated = simulated;
        this.real = real;
    }

    public ModelProto simulated() {
        return simulated;
    }

    public ModelProto real() {
        return real;
    }

    public ModelProto model(Form form) {
        return form == Form.REAL ? real : simulated;
    }

    public static QuantizedArtifacts build(ModelLayers model, Setting setting, String settingJson) {
        if (model.layers().stream().anyMatch(Layer::encoded)) {
            throw new IllegalArgumentException("weights of a real artifact are codes: build from LayerWeights.decodedModel");
        }
        ModelProto source = model.model().proto();
        GraphProto.Builder sim = source.getGraph().toBuilder();
        GraphProto.Builder real = source.getGraph().toBuilder();
        Map<String, Integer> initializerIndex = new HashMap<>();
        for (int i = 0; i < sim.getInitializerCount(); i++) {
            initializerIndex.put(sim.getInitializer(i).getName(), i);
        }
        Map<String, Integer> constantIndex = new HashMap<>();
        for (int i = 0; i < sim.getNodeCount(); i++) {
            if (sim.getNode(i).getOpType().equals("Constant")) {
                constantIndex.put(sim.getNode(i).getOutput(0), i);
            }
        }
        List<Job> jobs = new ArrayList<>();
        for (Group group : model.groups()) {
            Scheme scheme = setting.schemeOf(group);
            if (!(scheme instanceof Scheme.Float32)) {
                group.layers().forEach(layer -> jobs.add(new Job(layer, scheme)));
            }
        }
        // quantize in parallel (read-only on the source model), assemble in order: same bytes every run
        LayerWeights weights = LayerWeights.of(model.model());
        Map<Long, Map<Integer, float[]>> scratch = new ConcurrentHashMap<>();
        List<Done> done = jobs.parallelStream().map(job -> job.run(weights, scratch)).toList();
        int opset = requiredOpset(jobs, done);
        int decodeNodes = 0;
        for (Done d : done) {
            Layer layer = d.layer;
            if (layer.fromConstant()) {
                int index = constantIndex.get(layer.tensorName());
                sim.setNode(index, withValue(sim.getNode(index), d.values)); // an initializer below
                // decode nodes inserted so far sit before it; the last decode node takes the Constant's place
                real.setNode(index + decodeNodes, d.decode.nodes.remove(d.decode.nodes.size() - 1));
            } else {
                int index = initializerIndex.get(layer.tensorName());
                sim.setInitializer(index, d.values);
                real.setInitializer(index, d.decode.tensors.remove(0)); // the codes take the weight's place
            }
            d.decode.tensors.forEach(real::addInitializer);
            for (NodeProto node : d.decode.nodes) {
                real.addNode(decodeNodes++, node); // inputs are initializers: valid at the graph's start
            }
        }
        overridable(sim, done);
        // float16 weights left unquantized go back to float16 (preparation gave them float32 twins)
        ModelProto simulated = withMetadata(Preparation.restoreFloat16(source.toBuilder()
                .setIrVersion(Math.max(source.getIrVersion(), 4)).setGraph(sim).build()), settingJson, Form.SIMULATED);
        ModelProto realModel = Preparation.restoreFloat16(source.toBuilder().setGraph(withoutComputedInputs(real)).build());
        realModel = OpsetConverter.upgrade(realModel, Math.max(opset, OpsetConverter.opset(realModel)));
        return new QuantizedArtifacts(simulated, withMetadata(realModel, settingJson, Form.REAL));
    }

    /**
     * The op-set the decode nodes need: DequantizeLinear came at 10, its per-channel axis at 13, 4-bit and
     * 16-bit codes at 21. A model below it is raised by the converter.
     */
    private static int requiredOpset(List<Job> jobs, List<Done> done) {
        int opset = OpsetConverter.MIN_OPSET;
        for (Done d : done) {
            for (NodeProto node : d.decode.nodes) {
                if (node.getOpType().equals("DequantizeLinear")) {
                    boolean perChannel = node.getAttributeList().stream().anyMatch(a -> a.getName().equals("axis"));
                    opset = Math.max(opset, perChannel ? 13 : 10);
                }
            }
        }
        boolean wide = jobs.stream().anyMatch(job -> job.scheme.containerBits() != 8);
        return wide ? OpsetConverter.MAX_OPSET : opset;
    }

    /**
     * Graph inputs that name a weight now decoded by nodes go (exporters of IR 3 and 4 list initializers among
     * the inputs; a value cannot be both an input and a node's output).
     */
    private static GraphProto.Builder withoutComputedInputs(GraphProto.Builder graph) {
        java.util.Set<String> computed = new java.util.HashSet<>();
        graph.getNodeList().forEach(n -> computed.addAll(n.getOutputList()));
        List<ai.onnx.proto.OnnxMl.ValueInfoProto> inputs = new ArrayList<>(graph.getInputList());
        if (inputs.removeIf(i -> computed.contains(i.getName()))) {
            graph.clearInput().addAllInput(inputs);
        }
        return graph;
    }

    /**
     * The simulated model's quantized weights become overridable initializers (graph inputs with the weights as
     * their defaults, IR 4 on): ONNX Runtime then treats them as it treats the real model's decoded weights,
     * as values computed at run time, and runs the same kernels on both. As constants they would take its
     * layout optimisation (blocked NCHWc convolutions with prepacked weights), whose different summation order
     * moved a spike across its threshold on 1 of 500 test images of the SDTv2 reference at uniform8 (logits
     * 0.085 apart). A weight held by a Constant node moves to an initializer for the same reason. Programs see
     * one input still: ONNX Runtime lists overridable initializers apart from the inputs. A MatMul or Gemm weight
     * read through a Cast (a float16 model's) stays constant: ONNX Runtime 1.23 crashes (SIGSEGV in session
     * creation) on a float16 MatMul whose weight is overridable; MatMuls have no layout optimisation, and their
     * constant and computed weights give the same sums (measured: every Spikformer test).
     */
    private static void overridable(GraphProto.Builder sim, List<Done> done) {
        java.util.Set<String> constants = new java.util.HashSet<>();
        java.util.Set<String> declared = new java.util.HashSet<>();
        sim.getInputList().forEach(i -> declared.add(i.getName()));
        for (Done d : done) {
            String name = d.layer.tensorName();
            if (d.layer.via().contains("Cast") && !d.layer.opType().startsWith("Conv")) {
                continue; // ONNX Runtime 1.23 crashes on a float16 MatMul or Gemm reading an overridable weight
            }
            if (d.layer.fromConstant()) {
                constants.add(name);
                sim.addInitializer(d.values);
            }
            if (!declared.contains(name)) {
                ai.onnx.proto.OnnxMl.TensorShapeProto.Builder shape = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder();
                d.values.getDimsList().forEach(dim -> shape.addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim)));
                sim.addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                        .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(d.values.getDataType()).setShape(shape))));
            }
        }
        if (!constants.isEmpty()) {
            List<NodeProto> nodes = new ArrayList<>(sim.getNodeList());
            nodes.removeIf(n -> n.getOpType().equals("Constant") && n.getOutputCount() == 1 && constants.contains(n.getOutput(0)));
            sim.clearNode().addAllNode(nodes);
        }
    }

    /** One layer to quantize under one scheme. */
    private record Job(Layer layer, Scheme scheme) {
        /**
         * @param scratch per thread, one float array per tensor size, reused within one build: a 55M-weight
         *                model then allocates a few arrays instead of one per tensor
         */
        Done run(LayerWeights stored, Map<Long, Map<Integer, float[]>> scratch) {
            Map<Integer, float[]> mine = scratch.computeIfAbsent(Thread.currentThread().getId(), id -> new HashMap<>());
            float[] weights = stored.floats(layer, mine.get((int) layer.params()));
            QuantizedTensor q = Quantizer.quantize(layer.path(), weights, layer.dims(), layer.channelAxis(), scheme);
            q.dequantizeInto(weights);
            mine.put(weights.length, weights); // reused by this thread's next tensor of the same size
            return new Done(layer, Decode.floats(layer.tensorName(), layer.dims(), weights), Decode.of(layer, q));
        }
    }


    /** A quantized layer: its simulated float tensor and the tensors and nodes that decode it. */
    private record Done(Layer layer, TensorProto values, Decode decode) {
    }

    private static NodeProto withValue(NodeProto constant, TensorProto value) {
        NodeProto.Builder b = constant.toBuilder().clearAttribute();
        b.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(value.toBuilder().clearName()));
        return b.build();
    }

    private static ModelProto withMetadata(ModelProto model, String settingJson, Form form) {
        Map<String, String> props = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        props.put(SETTING_KEY, settingJson);
        props.put(FORM_KEY, form.id());
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        props.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }
}
