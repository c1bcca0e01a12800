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
 *       (fake quantization: what QSViT evaluates), except the layers {@link LevelSplit} splits, which hold their
 *       integer levels and multiply the exact sums by the scale after the operator, as the real model does;</li>
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
    /** Earlier quantizations of a model quantized again: a JSON array of {setting, form}, oldest first. */
    public static final String HISTORY_KEY = "qsvit.history";
    public static final String RUNTIME_KEY = "qsvit.runtime";

    /** The two forms, by the names apply gives their folders and {@value #FORM_KEY} gives the models. */
    public enum Form {
        SIMULATED, REAL;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ModelProto simulated;
    private final ModelProto real;
    private final Runtime runtime;
    private final Map<String, RuntimeForm> forms;

    private QuantizedArtifacts(ModelProto simulated, ModelProto real, Runtime runtime, Map<String, RuntimeForm> forms) {
        this.simulated = simulated;
        this.real = real;
        this.runtime = runtime;
        this.forms = forms;
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

    public Runtime runtime() {
        return runtime;
    }

    /** The run-time form of every quantized layer of the real model, by layer path, in model order. */
    public Map<String, RuntimeForm> forms() {
        return forms;
    }

    /** As {@link #build(ModelLayers, Setting, String, Runtime)} for {@link Runtime#DEFAULT}. */
    public static QuantizedArtifacts build(ModelLayers model, Setting setting, String settingJson) {
        return build(model, setting, settingJson, Runtime.DEFAULT);
    }

    public static QuantizedArtifacts build(ModelLayers model, Setting setting, String settingJson, Runtime runtime) {
        if (model.layers().stream().anyMatch(Layer::encoded)) {
            throw new IllegalArgumentException("weights of a real artifact are codes: build from LayerWeights.decodedModel");
        }
        if (setting.quantizesComputed() && OpsetConverter.opset(model.model().proto()) < ComputedQuantization.MIN_OPSET) {
            // Round (and Clip's bounds as inputs) came at op-set 11: both forms are written in it
            ModelProto raised = OpsetConverter.upgrade(model.model().proto(), ComputedQuantization.MIN_OPSET);
            model = ModelLayers.of(new io.qsvit.model.OnnxModel(raised, model.model().file()), setting.grouping());
        }
        QuantizedArtifacts artifacts = assemble(model, setting, settingJson, runtime);
        int needed = requiredOpset(model.model().proto().getGraph(), artifacts.real.getGraph());
        if (needed <= OpsetConverter.opset(model.model().proto())) {
            return artifacts;
        }
        // The decode nodes are written in the op-set they need: raise the source first, then add them to it (the
        // converter would read them as nodes of the old op-set). The simulated model keeps the source's op-set.
        ModelProto raised = OpsetConverter.upgrade(model.model().proto(), needed);
        ModelLayers again = ModelLayers.of(new io.qsvit.model.OnnxModel(raised, model.model().file()), setting.grouping());
        QuantizedArtifacts real = assemble(again, setting, settingJson, runtime);
        return new QuantizedArtifacts(artifacts.simulated, real.real, runtime, real.forms);
    }

    private static QuantizedArtifacts assemble(ModelLayers model, Setting setting, String settingJson, Runtime runtime) {
        ModelProto source = model.model().proto();
        GraphProto.Builder sim = source.getGraph().toBuilder();
        GraphProto.Builder real = source.getGraph().toBuilder();
        Map<String, Integer> initializerIndex = new HashMap<>();
        for (int i = 0; i < sim.getInitializerCount(); i++) {
            initializerIndex.put(sim.getInitializer(i).getName(), i);
        }
        Map<String, Integer> constantIndex = new HashMap<>();
        for (int i = 0; i < sim.getNodeCount(); i++) {
            NodeProto node = sim.getNode(i);
            if (node.getOpType().equals("Constant")) {
                constantIndex.put(node.getOutput(0), i);
            }
        }
        Map<String, LevelSplit.Site> sites = LevelSplit.sites(source.getGraph(), model.layers());
        List<Job> jobs = new ArrayList<>();
        for (Group group : model.groups()) {
            Scheme scheme = setting.schemeOf(group);
            if (!(scheme instanceof Scheme.Float32)) {
                for (Layer layer : group.layers()) {
                    jobs.add(new Job(layer, scheme, runtime, sites.get(layer.tensorName())));
                }
            }
        }
        jobs.sort(java.util.Comparator.comparingInt(job -> job.layer.index()));
        // quantize in parallel (read-only on the source model), assemble in order: same bytes every run
        LayerWeights weights = LayerWeights.of(model.model());
        Map<Long, Map<Integer, float[]>> scratch = new ConcurrentHashMap<>();
        Map<String, TensorProto> shared = new ConcurrentHashMap<>();
        Map<String, TensorProto> simulatedShared = new ConcurrentHashMap<>();
        List<Done> done = jobs.parallelStream().map(job -> job.run(weights, scratch, shared, simulatedShared)).toList();
        int decodeNodes = 0;
        Map<String, List<NodeProto>> replacements = new HashMap<>();
        Map<String, List<NodeProto>> simulatedReplacements = new HashMap<>();
        Map<String, RuntimeForm> forms = new LinkedHashMap<>();
        for (Done d : done) {
            Layer layer = d.layer;
            forms.put(layer.path(), d.decode.form);
            if (layer.fromConstant()) {
                int index = constantIndex.get(layer.tensorName());
                sim.setNode(index, withValue(sim.getNode(index), d.values));
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
            replacements.putAll(d.decode.replacements);
            if (d.split != null) {
                sim.addInitializer(d.split.scale());
                sim.addInput(IntegerForm.overridable(d.split.scale()));
                simulatedReplacements.putAll(d.split.replacements());
            }
            if (d.decode.form == RuntimeForm.LEVELS) {
                real.addInput(IntegerForm.overridable(d.split.scale()));
            }
        }
        if (!simulatedReplacements.isEmpty()) {
            List<NodeProto> nodes = LevelSplit.replaced(sim.getNodeList(), simulatedReplacements);
            sim.clearNode().addAllNode(nodes);
            new java.util.TreeMap<>(simulatedShared).values().forEach(sim::addInitializer);
        }
        if (!replacements.isEmpty()) {
            List<NodeProto> nodes = new ArrayList<>();
            for (int i = 0; i < real.getNodeCount(); i++) {
                NodeProto node = real.getNode(i);
                // the decode nodes at the start may re-create a replaced output (the int8 Transpose): keep them
                List<NodeProto> instead = i >= decodeNodes && node.getOutputCount() == 1
                        ? replacements.get(node.getOutput(0)) : null;
                if (instead != null) {
                    nodes.addAll(instead);
                } else {
                    nodes.add(node);
                }
            }
            real.clearNode().addAllNode(nodes);
        }
        new java.util.TreeMap<>(shared).values().forEach(real::addInitializer);
        Map<String, ComputedFormat> computed = setting.computedFormats();
        if (!computed.isEmpty()) { // the same fixed-point arithmetic in both forms
            List<io.qsvit.model.ComputedSite> computedSites = io.qsvit.model.ComputedSites.of(model).sites();
            ComputedQuantization.insert(sim, computedSites, computed, OpsetConverter.opset(source));
            ComputedQuantization.insert(real, computedSites, computed, OpsetConverter.opset(source));
        }
        // float16 weights left unquantized go back to float16 (preparation gave them float32 twins)
        ModelProto simulated = withMetadata(Preparation.restoreFloat16(source.toBuilder().setGraph(sim).build()),
                settingJson, Form.SIMULATED, null);
        ModelProto realModel = Preparation.restoreFloat16(source.toBuilder().setGraph(withoutComputedInputs(real)).build());
        return new QuantizedArtifacts(simulated, withMetadata(realModel, settingJson, Form.REAL, runtime), runtime,
                java.util.Collections.unmodifiableMap(forms));
    }

    /**
     * The op-set the nodes a real model adds to its source need: ConvInteger, MatMulInteger and Slice with its
     * bounds as inputs came at 10, BitShift at 11, the bitwise operators (packed codes) at 18, 4- and 16-bit
     * tensors at 21; DequantizeLinear (earlier artifacts) at 10, its per-channel axis at 13.
     */
    private static int requiredOpset(GraphProto source, GraphProto real) {
        int opset = OpsetConverter.MIN_OPSET;
        java.util.Set<NodeProto> own = new java.util.HashSet<>(source.getNodeList());
        for (NodeProto node : real.getNodeList()) {
            if (own.contains(node)) {
                continue;
            }
            switch (node.getOpType()) {
                case "ConvInteger", "MatMulInteger", "Slice" -> opset = Math.max(opset, 10); // Slice: starts as inputs
                case "BitShift" -> opset = Math.max(opset, 11);
                case "BitwiseAnd", "BitwiseOr" -> opset = Math.max(opset, 18);
                case "DequantizeLinear" -> opset = Math.max(opset,
                        node.getAttributeList().stream().anyMatch(a -> a.getName().equals("axis")) ? 13 : 10);
                default -> { }
            }
        }
        for (TensorProto t : real.getInitializerList()) {
            int type = t.getDataType();
            if (type == OnnxDataType.INT4 || type == OnnxDataType.UINT4 || type == OnnxDataType.INT16
                    || type == OnnxDataType.UINT16) {
                opset = OpsetConverter.MAX_OPSET;
            }
        }
        return opset;
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

    /** One layer to quantize under one scheme, and how it will run. */
    private record Job(Layer layer, Scheme scheme, Runtime runtime, LevelSplit.Site site) {
        /**
         * @param scratch per thread, one float array per tensor size, reused within one build: a 55M-weight
         *                model then allocates a few arrays instead of one per tensor
         */
        Done run(LayerWeights stored, Map<Long, Map<Integer, float[]>> scratch, Map<String, TensorProto> shared,
                 Map<String, TensorProto> simulatedShared) {
            Map<Integer, float[]> mine = scratch.computeIfAbsent(Thread.currentThread().getId(), id -> new HashMap<>());
            float[] weights = stored.floats(layer, mine.get((int) layer.params()));
            QuantizedTensor q = Quantizer.quantize(layer.path(), weights, layer.dims(), layer.channelAxis(), scheme);
            q.dequantizeInto(weights);
            mine.put(weights.length, weights); // reused by this thread's next tensor of the same size
            RuntimeForm form = !site.splits(q) ? RuntimeForm.DEQUANTIZE
                    : runtime == Runtime.ORT_CPU ? RuntimeForm.INTEGER : RuntimeForm.LEVELS;
            LayerDecode decode = form == RuntimeForm.DEQUANTIZE ? DequantizeForm.of(layer, q, shared)
                    : IntegerForm.of(form, layer, q, site.consumer(), site.transpose(), shared);
            IntegerForm.Simulated split = null;
            if (form != RuntimeForm.DEQUANTIZE) { // the simulated model computes the layer as K, then the scale
                q.levelsInto(weights);
                split = IntegerForm.simulated(layer, q, site.consumer(), simulatedShared);
            }
            return new Done(layer, scheme, DequantizeForm.floats(layer.tensorName(), layer.dims(), weights), decode, split);
        }
    }

    /** A quantized layer: its simulated float tensor (and split), and what the real model holds for it. */
    private record Done(Layer layer, Scheme scheme, TensorProto values, LayerDecode decode, IntegerForm.Simulated split) {
    }

    private static NodeProto withValue(NodeProto constant, TensorProto value) {
        NodeProto.Builder b = constant.toBuilder().clearAttribute();
        b.addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(value.toBuilder().clearName()));
        return b.build();
    }

    private static ModelProto withMetadata(ModelProto model, String settingJson, Form form, Runtime runtime) {
        Map<String, String> props = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        if (props.containsKey(SETTING_KEY)) { // quantized before: the file keeps what was done to it
            props.put(HISTORY_KEY, QuantizationHistory.append(props.get(HISTORY_KEY), props.get(SETTING_KEY), props.get(FORM_KEY)));
        }
        props.put(SETTING_KEY, settingJson);
        props.put(FORM_KEY, form.id());
        if (runtime != null) {
            props.put(RUNTIME_KEY, runtime.id());
        }
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        props.forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }
}
