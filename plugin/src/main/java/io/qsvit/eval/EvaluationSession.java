package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.qsvit.Progress;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.model.ComputedSites;
import io.qsvit.model.DecodeChains;
import io.qsvit.model.Group;
import io.qsvit.model.Grouping;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.model.SpikeValues;
import io.qsvit.quant.ComputedFormat;
import io.qsvit.quant.ComputedQuantization;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.LevelSplit;
import io.qsvit.quant.QuantizedTensor;
import io.qsvit.quant.Quantizer;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session that evaluates a model under any number of settings. The session is built once,
 * with every weight turned from an initializer into a graph input (ONNX Runtime's Java API cannot feed
 * overridable initializers); each run feeds the current setting's weights, so switching settings costs a
 * quantization of the changed groups, never a model parse or session build. The same pass measures the firing rate of every layer's spike input (a ReduceMean
 * output added per distinct spike tensor), for the energy estimate.
 */
public final class EvaluationSession implements AutoCloseable {
    static final String RATE_PREFIX = "qsvit/rate/";

    private final ModelLayers model;
    private final LayerWeights storedWeights;
    private final OrtSession session;
    private final String inputName;
    private final long[] inputShape;
    private final InputLayout layout;
    /** Layer tensor name -> the spike tensor feeding it (absent for MAC layers). */
    private final Map<String, String> spikeInputs;
    /** Layers computed as integer levels through their operator, then a fed scale ({@link LevelSplit}), by tensor. */
    private final Map<String, LevelSplit.Site> splitSites;
    /** Computed tensors the graph holds in fixed point: site tensor -> computed group (counted in every run). */
    private final Map<String, String> computedSites;
    /** The fixed-point formats this switchable session was built with (computed group -> format). */
    private final Map<String, ComputedFormat> computedFormats;
    private final Map<String, OnnxTensor> fed = new HashMap<>();
    private final Map<String, Scheme> fedSchemes = new HashMap<>();

    private EvaluationSession(ModelLayers model, OrtSession session, String inputName, long[] inputShape,
                              InputLayout layout, Map<String, String> spikeInputs, boolean switchable,
                              Map<String, LevelSplit.Site> splitSites, Map<String, String> computedSites,
                              Map<String, ComputedFormat> computedFormats) {
        this.model = model;
        this.computedSites = computedSites;
        this.computedFormats = computedFormats;
        this.splitSites = splitSites;
        this.storedWeights = switchable ? LayerWeights.of(model.model()) : null;
        this.session = session;
        this.inputName = inputName;
        this.inputShape = inputShape;
        this.layout = layout;
        this.spikeInputs = spikeInputs;
    }

    /** A session whose weights {@link #use} can switch between settings. */
    public static EvaluationSession open(ModelLayers model, int threads) {
        return open(model, threads, TimeLayout.AUTO);
    }

    /** A switchable session; a time axis in the input goes where {@code timeLayout} says. */
    public static EvaluationSession open(ModelLayers model, int threads, TimeLayout timeLayout) {
        return open(model, threads, true, timeLayout, Map.of());
    }

    /**
     * A switchable session whose computed tensors are held in the given fixed-point formats (computed group ->
     * format; {@link ComputedQuantization}): settings it {@link #use}s must quantize computed tensors exactly so.
     */
    public static EvaluationSession open(ModelLayers model, int threads, TimeLayout timeLayout,
                                         Map<String, ComputedFormat> computed) {
        return open(model, threads, true, timeLayout, computed);
    }

    /**
     * A session that runs the model with its weights as stored, for measuring one model on many images:
     * constant weights let ONNX Runtime pre-pack them (its blocked NCHWc convolutions, several times faster for
     * depthwise ones), which fed weights prevent. {@link #use} is refused.
     */
    public static EvaluationSession openFixed(ModelLayers model, int threads) {
        return openFixed(model, threads, TimeLayout.AUTO);
    }

    /** A fixed-weight session; a time axis in the input goes where {@code timeLayout} says. */
    public static EvaluationSession openFixed(ModelLayers model, int threads, TimeLayout timeLayout) {
        return open(model, threads, false, timeLayout, Map.of());
    }

    /**
     * The graph a session runs, the spike tensor feeding each spiking layer (layer tensor name -> spike tensor), and
     * the layers it splits into levels and a fed scale (layer tensor name -> site; none in a fixed-weight graph).
     */
    record Graph(GraphProto graph, Map<String, String> spikeInputs, Map<String, LevelSplit.Site> splitSites,
                 Map<String, String> computedSites) {
    }

    /**
     * The model's graph as a session runs it: weights turned into graph inputs when {@code switchable}, and one
     * firing-rate output per distinct spike tensor.
     */
    static Graph graphOf(ModelLayers model, boolean switchable) {
        return graphOf(model, switchable, Map.of());
    }

    /** The same, with computed tensors in the given fixed-point formats and counted. */
    static Graph graphOf(ModelLayers model, boolean switchable, Map<String, ComputedFormat> computed) {
        GraphProto source = model.model().proto().getGraph();
        GraphProto.Builder graph = source.toBuilder();
        Map<String, LevelSplit.Site> splitSites = new HashMap<>();
        if (switchable) {
            weightsToInputs(model, graph);
            splitSites = splitLayers(model, graph);
        }
        SpikeValues spikes = new SpikeValues(source);
        Map<String, String> spikeInputs = new LinkedHashMap<>();
        Set<String> rated = new LinkedHashSet<>();
        for (Layer layer : model.layers()) {
            if (spikes.isSpiking(layer.dataInput())) {
                spikeInputs.put(layer.tensorName(), layer.dataInput());
                if (rated.add(layer.dataInput())) {
                    String mean = RATE_PREFIX + layer.dataInput() + "::mean";
                    graph.addNode(NodeProto.newBuilder().setOpType("ReduceMean").setName(RATE_PREFIX + layer.dataInput())
                            .addInput(layer.dataInput()).addOutput(mean)
                            .addAttribute(AttributeProto.newBuilder().setName("keepdims")
                                    .setType(AttributeProto.AttributeType.INT).setI(0)));
                    // spikes of a float16 model are float16: the rate is read as float32 either way
                    graph.addNode(NodeProto.newBuilder().setOpType("Cast").setName(RATE_PREFIX + layer.dataInput() + "::float")
                            .addInput(mean).addOutput(RATE_PREFIX + layer.dataInput())
                            .addAttribute(AttributeProto.newBuilder().setName("to")
                                    .setType(AttributeProto.AttributeType.INT).setI(TensorProto.DataType.FLOAT_VALUE)));
                    graph.addOutput(floatValue(RATE_PREFIX + layer.dataInput(), new int[0]));
                }
            }
        }
        if (!computed.isEmpty()) {
            ComputedQuantization.insert(graph, ComputedSites.of(model).sites(), computed,
                    io.qsvit.model.opset.OpsetConverter.opset(model.model().proto()));
        }
        Map<String, String> computedSites = ComputedQuantization.addCounters(graph);
        return new Graph(graph.build(), spikeInputs, splitSites, computedSites);
    }

    private static EvaluationSession open(ModelLayers model, int threads, boolean switchable, TimeLayout timeLayout,
                                          Map<String, ComputedFormat> computed) {
        GraphProto source = model.model().proto().getGraph();
        Graph built = graphOf(model, switchable, computed);
        GraphProto graph = built.graph();
        Map<String, String> spikeInputs = built.spikeInputs();
        ModelProto proto = model.model().proto().toBuilder().setGraph(graph).build();
        try (OrtSession.SessionOptions options = Sessions.options(threads)) {
            if (!switchable) {
                // the evaluate step reads its data while the model runs: idle ONNX Runtime threads sleep instead of
                // spinning, leaving the cores to the readers between operators
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            OrtSession session = Sessions.create(proto, model.model(), options);
            ValueInfoProto input = graph.getInputList().stream().filter(i -> !isInitializer(source, i.getName()))
                    .findFirst().orElseThrow(() -> new UserInputException(model.model().file() + " has no data input"));
            long[] inputShape = shapeOf(input);
            InputLayout layout;
            checkClassScores(session, model); // closes the session when it refuses the model
            try {
                checkFloatSamples(input, inputShape);
                layout = InputLayout.of(inputShape, timeLayout, model.model().file());
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            EvaluationSession evaluation = new EvaluationSession(model, session, input.getName(), inputShape, layout,
                    spikeInputs, switchable, built.splitSites(), built.computedSites(), Map.copyOf(computed));
            if (switchable) {
                evaluation.feedWeights(Setting.uniform(Grouping.QSVIT, Scheme.FLOAT32));
            }
            return evaluation;
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime cannot load " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    public ModelLayers model() {
        return model;
    }

    public String inputName() {
        return inputName;
    }

    /** The sample shape the model's input declares (its dimensions but the batch), or null where one is symbolic. */
    public SampleShape sampleShape() {
        return sampleShape(0);
    }

    /** The sample shape, with a symbolic time axis set to {@code frames} where that is positive. */
    public SampleShape sampleShape(int frames) {
        return layout.sampleShape(inputShape, frames);
    }

    /** Where the input's batch and time axes are. */
    public InputLayout layout() {
        return layout;
    }

    /** Multiply-accumulates per sample of every layer, for samples of {@code samples} (every timestep counted). */
    public LayerCosts layerCosts(SampleShape samples) {
        TimeLayout placed = !layout.hasTime() ? TimeLayout.AUTO
                : layout.batchAxis() == 0 ? TimeLayout.NTCHW : TimeLayout.TNCHW;
        return LayerCosts.measure(model, placed, layout.hasTime() ? samples.dim(0) : 0);
    }

    /** True when the layer's input is spikes (accumulate-only), false for a MAC layer such as the encoder. */
    public boolean hasSpikeInput(Layer layer) {
        return spikeInputs.containsKey(layer.tensorName());
    }

    /**
     * Feeds the weights of a setting. Only layers whose scheme changed since the last call are quantized
     * again. A new session starts with the float32 weights: a real artifact's decoded ones, which a setting
     * then quantizes again.
     */
    public void use(Setting setting) {
        if (storedWeights == null) {
            throw new IllegalStateException("this session runs the model's own weights; open a switchable one");
        }
        if (!setting.computedFormats().equals(computedFormats)) {
            throw new IllegalStateException("this session holds computed tensors at " + computedFormats
                    + "; the setting wants " + setting.computedFormats());
        }
        feedWeights(setting);
    }

    private void feedWeights(Setting setting) {
        for (Group group : model.groups()) {
            Scheme scheme = setting.schemeOf(group);
            for (Layer layer : group.layers()) {
                if (!scheme.equals(fedSchemes.get(layer.tensorName()))) {
                    release(layer.tensorName());
                    weightTensors(storedWeights, splitSites, layer, scheme).forEach(fed::put);
                    fedSchemes.put(layer.tensorName(), scheme);
                }
            }
        }
    }

    /**
     * The tensors a switchable graph takes for one layer under {@code scheme} (input name -> tensor): its weights,
     * and for a split layer the scale its sums are multiplied by: the integer levels and their scales where the
     * scheme splits it (as the simulated model does), else the weights and a scale of ones (exact: the float
     * operator's result times 1).
     */
    static Map<String, OnnxTensor> weightTensors(LayerWeights storedWeights, Map<String, LevelSplit.Site> splitSites,
                                                 Layer layer, Scheme scheme) {
        float[] weights = storedWeights.floats(layer);
        LevelSplit.Site site = splitSites.get(layer.tensorName());
        float[] scales = null;
        if (site != null) {
            scales = new float[layer.dims()[layer.channelAxis()]];
            java.util.Arrays.fill(scales, 1f);
        }
        if (!(scheme instanceof Scheme.Float32)) {
            QuantizedTensor q = Quantizer.quantize(layer.path(), weights, layer.dims(), layer.channelAxis(), scheme);
            if (site != null && site.splits(q)) {
                q.levelsInto(weights);
                float[] levelScales = q.levelScales();
                for (int c = 0; c < scales.length; c++) {
                    scales[c] = levelScales[levelScales.length == 1 ? 0 : c];
                }
            } else {
                q.dequantizeInto(weights);
            }
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        tensors.put(layer.tensorName(), floats(layer.path(), weights, layer.dims()));
        if (site != null) {
            tensors.put(scaleInput(layer), floats(layer.path(), scales, site.scaleDims()));
        }
        return tensors;
    }

    private static OnnxTensor floats(String path, float[] values, int[] dims) {
        long[] shape = new long[dims.length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims[i];
        }
        try {
            return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(values), shape);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create a weight tensor for " + path, e);
        }
    }

    /** The inputs a switchable graph takes for a layer: its weights, and a split layer's scale. */
    static List<String> fedInputs(Layer layer, Map<String, LevelSplit.Site> splitSites) {
        return splitSites.containsKey(layer.tensorName()) ? List.of(layer.tensorName(), scaleInput(layer))
                : List.of(layer.tensorName());
    }

    private static String scaleInput(Layer layer) {
        return layer.tensorName() + ".qscale";
    }

    /** Scores of every image and the firing rate of every spike input, in one pass. */
    public Outputs run(Dataset data, int batchSize) {
        int batch = batchFor(data, batchSize);
        float[][] scores = new float[data.size()][];
        Map<String, Double> rateSums = new LinkedHashMap<>();
        Map<String, ComputedCounts> counts = new LinkedHashMap<>();
        Map<String, OnnxTensor> feeds = new HashMap<>(fed);
        try (InputBatches batches = new InputBatches(data, batch, layout.batchAxis())) {
            Progress.Task progress = Progress.task("evaluating", data.size(), "images");
            for (int b = 0; b < batches.count(); b++) {
                try (InputBatches.Next next = batches.next()) {
                    int start = next.start();
                    int n = next.size();
                    feeds.put(inputName, next.tensor());
                    try (OrtSession.Result result = session.run(feeds)) {
                        float[][] batchScores = (float[][]) result.get(0).getValue();
                        System.arraycopy(batchScores, 0, scores, start, n);
                        for (Map.Entry<String, OnnxValue> e : result) {
                            if (e.getKey().startsWith(RATE_PREFIX)) {
                                String spike = e.getKey().substring(RATE_PREFIX.length());
                                rateSums.merge(spike, (double) (Float) e.getValue().getValue() * n, Double::sum);
                            } else if (e.getKey().startsWith(ComputedQuantization.NODE_COUNTERS)) {
                                ComputedCounts.add(counts, e.getKey(), (Float) e.getValue().getValue());
                            }
                        }
                    }
                    progress.advance(n);
                }
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to evaluate " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (data.maxLabel() >= scores[0].length) {
            throw new UserInputException("data has label " + data.maxLabel() + " but the model scores only "
                    + scores[0].length + " classes");
        }
        Map<String, Double> layerRates = new LinkedHashMap<>();
        spikeInputs.forEach((layer, spike) -> layerRates.put(layer, rateSums.get(spike) / data.size()));
        Map<String, Map<String, ComputedCounts>> byTensor = new LinkedHashMap<>();
        counts.forEach((tensor, c) -> byTensor.computeIfAbsent(computedSites.getOrDefault(tensor, tensor),
                g -> new LinkedHashMap<>()).put(tensor, c));
        return new Outputs(scores, layerRates, ComputedCounts.byGroup(counts, computedSites), byTensor);
    }

    /**
     * The mean over all images of every output named {@code prefix + key} (a per-channel vector each batch reduces
     * to), weighted by the batch's images: key -> means. One pass; the scores are not kept.
     */
    public Map<String, double[]> outputMeans(Dataset data, int batchSize, String prefix) {
        int batch = batchFor(data, batchSize);
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, OnnxTensor> feeds = new HashMap<>(fed);
        try (InputBatches batches = new InputBatches(data, batch, layout.batchAxis())) {
            Progress.Task progress = Progress.task("calibrating", data.size(), "images");
            for (int b = 0; b < batches.count(); b++) {
                try (InputBatches.Next next = batches.next()) {
                    int n = next.size();
                    feeds.put(inputName, next.tensor());
                    try (OrtSession.Result result = session.run(feeds)) {
                        for (Map.Entry<String, OnnxValue> e : result) {
                            if (e.getKey().startsWith(prefix)) {
                                float[] v = (float[]) e.getValue().getValue();
                                double[] sum = sums.computeIfAbsent(e.getKey().substring(prefix.length()),
                                        k -> new double[v.length]);
                                if (sum.length != v.length) {
                                    throw new IllegalStateException("mean of " + e.getKey() + " changed size");
                                }
                                for (int i = 0; i < v.length; i++) {
                                    sum[i] += (double) v[i] * n;
                                }
                            }
                        }
                    }
                    progress.advance(n);
                }
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to run " + model.model().file() + " on the calibration data: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        sums.values().forEach(sum -> {
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= data.size();
            }
        });
        return sums;
    }

    /** Images per ONNX Runtime call for {@code data}, after checking that the data fits the model's input. */
    int batchFor(Dataset data, int batchSize) {
        long fixed = layout.fixedBatch(inputShape);
        int batch = fixed > 0 ? (int) fixed : Math.max(1, Math.min(batchSize, data.size()));
        if (fixed > 0 && data.size() % batch != 0) {
            throw new UserInputException("the model's batch dimension is fixed at " + batch
                    + " and does not divide the " + data.size() + " images");
        }
        if (data.size() == 0) {
            throw new UserInputException("no images to evaluate");
        }
        checkFits(data);
        return batch;
    }

    /** The stored float weights; null for a fixed-weight session. */
    LayerWeights storedWeights() {
        return storedWeights;
    }

    /** The layers this switchable session splits into levels and a fed scale (layer tensor name -> site). */
    Map<String, LevelSplit.Site> splitSites() {
        return splitSites;
    }

    /** The spike tensor feeding each spiking layer (layer tensor name -> spike tensor). */
    Map<String, String> spikeInputs() {
        return spikeInputs;
    }

    /**
     * Class scores per image, the firing rate of each spiking layer's input (layer tensor name -> rate), and for
     * computed tensors held in fixed point the counts per computed group and per tensor (computed group -> tensor ->
     * counts; a tensor is one timestep's potential of a neuron module, or one product).
     */
    public record Outputs(float[][] scores, Map<String, Double> firingRates, Map<String, ComputedCounts> computed,
                          Map<String, Map<String, ComputedCounts>> computedTensors) {
        public Outputs(float[][] scores, Map<String, Double> firingRates) {
            this(scores, firingRates, Map.of(), Map.of());
        }
    }

    private void checkFits(Dataset data) {
        layout.checkFits(inputShape, data.shape(), inputName);
    }

    private void release(String tensorName) {
        fedSchemes.remove(tensorName);
        for (String name : List.of(tensorName, tensorName + ".qscale")) {
            OnnxTensor old = fed.remove(name);
            if (old != null) {
                old.close();
            }
        }
    }

    /**
     * Rewrites every layer {@link LevelSplit} may split as the operator, then Mul by a fed scale (then the bias),
     * as the simulated model computes it: the search then measures the simulated model's very scores.
     */
    private static Map<String, LevelSplit.Site> splitLayers(ModelLayers model, GraphProto.Builder graph) {
        Map<String, LevelSplit.Site> split = new HashMap<>();
        Map<String, List<NodeProto>> replacements = new HashMap<>();
        Map<String, TensorProto> shared = new java.util.TreeMap<>();
        for (LevelSplit.Site site : LevelSplit.sites(graph.build(), model.layers()).values()) {
            if (site.candidate()) {
                Layer layer = site.layer();
                split.put(layer.tensorName(), site);
                replacements.put(layer.output(), site.nodes(scaleInput(layer), shared));
                graph.addInput(floatValue(scaleInput(layer), site.scaleDims()));
            }
        }
        List<NodeProto> nodes = LevelSplit.replaced(graph.getNodeList(), replacements);
        graph.clearNode().addAllNode(nodes);
        shared.values().forEach(graph::addInitializer);
        return split;
    }

    /**
     * Removes the weights' initializers (or Constant nodes, or a real artifact's decode nodes) and declares
     * the weights as graph inputs.
     */
    private static void weightsToInputs(ModelLayers model, GraphProto.Builder graph) {
        DecodeChains.remove(graph, model.layers());
        Set<String> weights = new LinkedHashSet<>();
        model.layers().forEach(l -> weights.add(l.tensorName()));
        List<TensorProto> initializers = new ArrayList<>(graph.getInitializerList());
        initializers.removeIf(t -> weights.contains(t.getName()));
        graph.clearInitializer().addAllInitializer(initializers);
        List<NodeProto> nodes = new ArrayList<>(graph.getNodeList());
        nodes.removeIf(n -> n.getOpType().equals("Constant") && weights.contains(n.getOutput(0)));
        graph.clearNode().addAllNode(nodes);
        List<ValueInfoProto> inputs = new ArrayList<>(graph.getInputList());
        inputs.removeIf(i -> weights.contains(i.getName()));
        graph.clearInput().addAllInput(inputs);
        for (Layer layer : model.layers()) {
            graph.addInput(floatValue(layer.tensorName(), layer.dims()));
        }
    }

    /** The first output must be class scores, [batch, classes] with at least two classes. */
    private static void checkClassScores(OrtSession session, ModelLayers model) throws OrtException {
        NodeInfo output = session.getOutputInfo().values().iterator().next();
        if (!(output.getInfo() instanceof TensorInfo scores) || scores.type != OnnxJavaType.FLOAT
                || scores.getShape().length != 2 || scores.getShape()[1] == 0 || scores.getShape()[1] == 1) {
            session.close();
            throw new UserInputException(model.model().file() + ": output '" + output.getName() + "' is "
                    + output.getInfo() + "; class scores [batch, classes] are expected");
        }
    }

    private static boolean isInitializer(GraphProto graph, String name) {
        return graph.getInitializerList().stream().anyMatch(t -> t.getName().equals(name));
    }

    /** Samples are float32 images or event frames with a batch axis: a model taking token ids, say, is not evaluated. */
    private static void checkFloatSamples(ValueInfoProto input, long[] shape) {
        int type = input.getType().getTensorType().getElemType();
        if (type != TensorProto.DataType.FLOAT_VALUE) {
            TensorProto.DataType named = TensorProto.DataType.forNumber(type);
            throw new UserInputException("input '" + input.getName() + "' is " + (named == null ? "of type " + type
                    : named.name().toLowerCase(Locale.ROOT)) + "; qsvit evaluates models that take float32 images or"
                    + " event frames");
        }
        if (shape.length < 2) {
            throw new UserInputException("input '" + input.getName() + "' declares " + (input.getType().getTensorType()
                    .hasShape() ? "rank " + shape.length : "no shape") + "; qsvit needs a batch axis and the sample's"
                    + " dimensions ([N, C, H, W] images or [N, T, C, H, W] event frames)");
        }
    }

    private static long[] shapeOf(ValueInfoProto input) {
        TensorShapeProto shape = input.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.getDim(i).hasDimValue() ? shape.getDim(i).getDimValue() : -1;
        }
        return dims;
    }

    private static ValueInfoProto floatValue(String name, int[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (int d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    @Override
    public void close() {
        new ArrayList<>(fed.keySet()).forEach(this::release);
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing ONNX Runtime session", e);
        }
    }
}
