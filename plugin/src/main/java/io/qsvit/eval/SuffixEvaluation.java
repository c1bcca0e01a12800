package io.qsvit.eval;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.qsvit.Progress;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.Dataset;
import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.quant.Scheme;
import io.qsvit.quant.Setting;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates settings that differ from a base setting only in some groups: the part of the model those groups
 * cannot reach (the prefix) runs once per batch of images, its outputs (the activations crossing into the
 * changed groups, residual paths included) are kept, and each setting runs only the rest (the suffix). Both
 * parts are cut from the switchable session's own graph and fed the same weights the same way, so every
 * operator runs the same kernel on the same values: the scores and firing rates are bit for bit those of
 * {@link EvaluationSession#run}. The kept activations stay under a memory budget: the images are taken in
 * chunks of batches that fit it, each chunk's prefix computed once and every setting's suffix run on it before
 * the next chunk (a chunk of one batch when even one batch exceeds the budget).
 */
public final class SuffixEvaluation implements AutoCloseable {
    private final EvaluationSession whole;
    private final GraphCut cut;
    private final Set<String> changedGroups;
    private final OrtSession prefix;
    private final OrtSession suffix;
    private final Set<String> prefixWeights;
    private final Set<String> suffixWeights;
    private final Map<String, String> rateOutputSpike = new HashMap<>();

    private SuffixEvaluation(EvaluationSession whole, GraphCut cut, Set<String> changedGroups, OrtSession prefix,
                             OrtSession suffix) throws OrtException {
        this.whole = whole;
        this.cut = cut;
        this.changedGroups = changedGroups;
        this.prefix = prefix;
        this.suffix = suffix;
        this.prefixWeights = weightInputs(prefix, whole);
        this.suffixWeights = weightInputs(suffix, whole);
        whole.spikeInputs().values().forEach(s -> rateOutputSpike.put(EvaluationSession.RATE_PREFIX + s, s));
    }

    /**
     * The prefix and suffix sessions for settings that change only {@code changed}, on a switchable session's
     * model; empty when the cut would reuse nothing (see {@link GraphCut#of}) or a crossing value is not a
     * tensor.
     */
    public static Optional<SuffixEvaluation> open(EvaluationSession whole, Collection<Group> changed, int threads) {
        return plan(whole, changed).flatMap(p -> p.open(threads));
    }

    /** Where the graph is cut for settings that change only {@code changed}; empty where nothing can be reused. */
    public static Optional<Plan> plan(EvaluationSession whole, Collection<Group> changed) {
        if (whole.storedWeights() == null) {
            throw new IllegalArgumentException("suffix runs need a switchable session");
        }
        Set<String> changedWeights = new LinkedHashSet<>();
        Set<String> changedGroups = new LinkedHashSet<>();
        for (Group group : changed) {
            changedGroups.add(group.name());
            group.layers().forEach(l -> changedWeights.addAll(EvaluationSession.fedInputs(l, whole.splitSites())));
        }
        GraphProto graph = EvaluationSession.graphOf(whole.model(), true).graph();
        return GraphCut.of(graph, whole.inputName(), changedWeights).map(cut -> new Plan(whole, cut, changedGroups));
    }

    /** A cut found but not yet loaded: what the prefix computes decides whether loading it pays. */
    public static final class Plan {
        private final EvaluationSession whole;
        private final GraphCut cut;
        private final Set<String> changedGroups;

        private Plan(EvaluationSession whole, GraphCut cut, Set<String> changedGroups) {
            this.whole = whole;
            this.cut = cut;
            this.changedGroups = changedGroups;
        }

        /** The layers whose weights the prefix reads: the work a suffix run saves. */
        public List<Layer> prefixLayers() {
            Set<String> inputs = new HashSet<>();
            cut.prefix().getInputList().forEach(i -> inputs.add(i.getName()));
            return whole.model().layers().stream().filter(l -> inputs.contains(l.tensorName())).toList();
        }

        /**
         * The same cut, open to every group whose weights the prefix does not read: a setting that keeps the
         * prefix's groups at the base's schemes may change any of them and still run on the same kept prefix.
         */
        public Plan widened() {
            Set<String> prefixInputs = new HashSet<>();
            cut.prefix().getInputList().forEach(i -> prefixInputs.add(i.getName()));
            Set<String> groups = new LinkedHashSet<>();
            for (Group group : whole.model().groups()) {
                boolean read = group.layers().stream().anyMatch(l -> EvaluationSession.fedInputs(l, whole.splitSites())
                        .stream().anyMatch(prefixInputs::contains));
                if (!read) {
                    groups.add(group.name());
                }
            }
            return new Plan(whole, cut, groups);
        }

        /** The groups a setting may change and still run on this cut. */
        public Set<String> changeable() {
            return java.util.Collections.unmodifiableSet(changedGroups);
        }

        /** The tensors that would cross from the prefix into the suffix: the same list means the same cut. */
        public List<String> frontier() {
            return cut.frontier();
        }

        /** Loads the prefix and suffix into ONNX Runtime; empty when a crossing value is not a tensor. */
        public Optional<SuffixEvaluation> open(int threads) {
            ModelLayers model = whole.model();
            OrtSession prefix = null;
            try (OrtSession.SessionOptions options = Sessions.options(threads)) {
                prefix = Sessions.create(withGraph(model, cut.prefix()), model.model(), options);
                Map<String, ValueInfoProto> types = new HashMap<>();
                for (Map.Entry<String, NodeInfo> output : prefix.getOutputInfo().entrySet()) {
                    if (!(output.getValue().getInfo() instanceof TensorInfo tensor)
                            || tensor.type == OnnxJavaType.STRING) {
                        prefix.close();
                        return Optional.empty();
                    }
                    types.put(output.getKey(), valueInfo(output.getKey(), tensor));
                }
                OrtSession suffix = Sessions.create(withGraph(model, cut.suffixWithInputs(types)), model.model(), options);
                return Optional.of(new SuffixEvaluation(whole, cut, changedGroups, prefix, suffix));
            } catch (OrtException e) {
                if (prefix != null) {
                    try {
                        prefix.close();
                    } catch (OrtException ignored) {
                        // the load error below says what went wrong
                    }
                }
                throw new UserInputException("ONNX Runtime cannot load a part of " + model.model().file() + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    /** The tensors that cross from the prefix into the suffix. */
    public List<String> frontier() {
        return cut.frontier();
    }

    /**
     * The scores and firing rates of every setting on {@code data}, each as {@link EvaluationSession#run} gives
     * them. Every setting must equal {@code base} outside the changed groups; the prefix runs under {@code base}.
     *
     * @param budgetBytes the most bytes of crossing activations kept at once (at least one batch's are kept)
     */
    public List<EvaluationSession.Outputs> run(Setting base, List<Setting> settings, Dataset data, int batchSize,
                                               long budgetBytes) {
        ModelLayers model = whole.model();
        settings.forEach(setting -> checkKeeps(base, setting));
        int batch = whole.batchFor(data, batchSize);
        Map<String, OnnxTensor> baseWeights = new HashMap<>();
        List<Map<String, OnnxTensor>> settingWeights = new ArrayList<>();
        float[][][] scores = new float[settings.size()][data.size()][];
        List<Map<String, Double>> rateSums = new ArrayList<>();
        try {
            for (Group group : model.groups()) {
                if (!changedGroups.contains(group.name())) {
                    for (Layer layer : group.layers()) {
                        EvaluationSession.weightTensors(whole.storedWeights(), whole.splitSites(), layer,
                                base.schemeOf(group)).forEach((name, tensor) -> keepIf(
                                        prefixWeights.contains(name) || suffixWeights.contains(name), name, tensor,
                                        baseWeights));
                    }
                }
            }
            for (Setting setting : settings) {
                Map<String, OnnxTensor> weights = new HashMap<>(baseWeights);
                for (Group group : model.groups()) {
                    if (changedGroups.contains(group.name())) {
                        Scheme scheme = setting.schemeOf(group);
                        for (Layer layer : group.layers()) {
                            EvaluationSession.weightTensors(whole.storedWeights(), whole.splitSites(), layer, scheme)
                                    .forEach((name, tensor) -> keepIf(suffixWeights.contains(name), name, tensor, weights));
                        }
                    }
                }
                settingWeights.add(weights);
                rateSums.add(new LinkedHashMap<>());
            }
            Map<String, OnnxTensor> prefixFeeds = new HashMap<>();
            baseWeights.forEach((name, tensor) -> {
                if (prefixWeights.contains(name)) {
                    prefixFeeds.put(name, tensor);
                }
            });
            Progress.Task progress = Progress.task("evaluating", (long) data.size() * settings.size(), "images");
            try (InputBatches batches = new InputBatches(data, batch, whole.layout().batchAxis())) {
                int done = 0;
                // direct buffers are freed only by the garbage collector: one set, reused chunk after chunk, keeps
                // the kept bytes within the budget (plus one batch) however often the collector runs
                List<List<ByteBuffer>> pool = new ArrayList<>();
                while (done < batches.count()) {
                    List<Kept> chunk = new ArrayList<>();
                    long bytes = 0;
                    do {
                        if (pool.size() == chunk.size()) {
                            pool.add(new ArrayList<>());
                        }
                        Kept kept = runPrefix(batches, prefixFeeds, pool.get(chunk.size()));
                        chunk.add(kept);
                        bytes += kept.bytes();
                        done++;
                    } while (done < batches.count() && bytes + bytes / chunk.size() <= budgetBytes);
                    for (int s = 0; s < settings.size(); s++) {
                        for (Kept kept : chunk) {
                            runSuffix(kept, settingWeights.get(s), scores[s], rateSums.get(s));
                            progress.advance(kept.size());
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to evaluate " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        } finally {
            Set<OnnxTensor> all = new LinkedHashSet<>(baseWeights.values());
            settingWeights.forEach(w -> all.addAll(w.values()));
            all.forEach(OnnxTensor::close);
        }
        List<EvaluationSession.Outputs> outputs = new ArrayList<>();
        for (int s = 0; s < settings.size(); s++) {
            outputs.add(outputs(scores[s], rateSums.get(s), data));
        }
        return outputs;
    }

    /** A setting may differ from the base only in the groups this cut lets change. */
    private void checkKeeps(Setting base, Setting setting) {
        for (Group group : whole.model().groups()) {
            if (!changedGroups.contains(group.name()) && !setting.schemeOf(group).equals(base.schemeOf(group))) {
                throw new IllegalArgumentException("setting " + setting + " changes " + group.name()
                        + ", which this suffix run keeps at " + base.schemeOf(group));
            }
        }
    }

    private EvaluationSession.Outputs outputs(float[][] scores, Map<String, Double> sums, Dataset data) {
        if (data.maxLabel() >= scores[0].length) {
            throw new UserInputException("data has label " + data.maxLabel() + " but the model scores only "
                    + scores[0].length + " classes");
        }
        Map<String, Double> layerRates = new LinkedHashMap<>();
        whole.spikeInputs().forEach((layer, spike) -> layerRates.put(layer, sums.get(spike) / data.size()));
        return new EvaluationSession.Outputs(scores, layerRates);
    }

    /**
     * The prefix's outputs on every batch of some images under a base setting, kept so that settings can run
     * their suffix one at a time, as a search asks for them. Holds direct buffers until the collector frees them
     * after it is dropped.
     */
    public static final class KeptPrefix {
        private final Setting base;
        private final Dataset data;
        private final List<Kept> batches;
        private final long bytes;

        private KeptPrefix(Setting base, Dataset data, List<Kept> batches, long bytes) {
            this.base = base;
            this.data = data;
            this.batches = batches;
            this.bytes = bytes;
        }

        /** Bytes of crossing activations kept. */
        public long bytes() {
            return bytes;
        }
    }

    /**
     * Runs the prefix under {@code base} on all of {@code data} and keeps its outputs; empty (the work so far
     * dropped) as soon as the kept bytes, projected over all batches, would exceed {@code budgetBytes}.
     */
    public Optional<KeptPrefix> keep(Setting base, Dataset data, int batchSize, long budgetBytes) {
        ModelLayers model = whole.model();
        int batch = whole.batchFor(data, batchSize);
        Map<String, OnnxTensor> prefixFeeds = new HashMap<>();
        try {
            for (Group group : model.groups()) {
                for (Layer layer : group.layers()) {
                    if (EvaluationSession.fedInputs(layer, whole.splitSites()).stream().anyMatch(prefixWeights::contains)) {
                        EvaluationSession.weightTensors(whole.storedWeights(), whole.splitSites(), layer,
                                base.schemeOf(group)).forEach((name, tensor) -> keepIf(prefixWeights.contains(name), name,
                                        tensor, prefixFeeds));
                    }
                }
            }
            List<Kept> kept = new ArrayList<>();
            long bytes = 0;
            try (InputBatches batches = new InputBatches(data, batch, whole.layout().batchAxis())) {
                for (int b = 0; b < batches.count(); b++) {
                    Kept one = runPrefix(batches, prefixFeeds, new ArrayList<>());
                    kept.add(one);
                    bytes += one.bytes();
                    if (bytes / kept.size() * batches.count() > budgetBytes) {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(new KeptPrefix(base, data, List.copyOf(kept), bytes));
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to evaluate " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        } finally {
            prefixFeeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The scores and firing rates of one setting on a kept prefix's images, as {@link EvaluationSession#run}
     * gives them; the setting must equal the kept prefix's base outside the groups this cut lets change.
     */
    public EvaluationSession.Outputs run(KeptPrefix kept, Setting setting) {
        checkKeeps(kept.base, setting);
        ModelLayers model = whole.model();
        Map<String, OnnxTensor> weights = new HashMap<>();
        float[][] scores = new float[kept.data.size()][];
        Map<String, Double> rateSums = new LinkedHashMap<>();
        try {
            for (Group group : model.groups()) {
                for (Layer layer : group.layers()) {
                    if (EvaluationSession.fedInputs(layer, whole.splitSites()).stream().anyMatch(suffixWeights::contains)) {
                        EvaluationSession.weightTensors(whole.storedWeights(), whole.splitSites(), layer,
                                setting.schemeOf(group)).forEach((name, tensor) -> keepIf(suffixWeights.contains(name),
                                        name, tensor, weights));
                    }
                }
            }
            Progress.Task progress = Progress.task("evaluating", kept.data.size(), "images");
            for (Kept batch : kept.batches) {
                runSuffix(batch, weights, scores, rateSums);
                progress.advance(batch.size());
            }
        } catch (OrtException e) {
            throw new UserInputException("ONNX Runtime failed to evaluate " + model.model().file() + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        } finally {
            weights.values().forEach(OnnxTensor::close);
        }
        return outputs(scores, rateSums, kept.data);
    }

    /** One batch's crossing activations (raw bytes, shape, type) and the firing rates the prefix measured. */
    private record Kept(int start, int size, List<ByteBuffer> values, List<long[]> shapes,
                        List<OnnxJavaType> types, Map<String, Float> rates, long bytes) {
    }

    /** Runs the prefix on the next batch and keeps its frontier in {@code buffers} (grown or replaced as needed). */
    private Kept runPrefix(InputBatches batches, Map<String, OnnxTensor> weights, List<ByteBuffer> buffers)
            throws OrtException {
        try (InputBatches.Next next = batches.next()) {
            Map<String, OnnxTensor> feeds = new HashMap<>(weights);
            feeds.put(whole.inputName(), next.tensor());
            try (OrtSession.Result result = prefix.run(feeds)) {
                List<ByteBuffer> values = new ArrayList<>();
                List<long[]> shapes = new ArrayList<>();
                List<OnnxJavaType> types = new ArrayList<>();
                long bytes = 0;
                for (int f = 0; f < cut.frontier().size(); f++) {
                    OnnxTensor tensor = (OnnxTensor) result.get(cut.frontier().get(f)).orElseThrow();
                    // direct, so the suffix's tensor wraps it without another copy
                    ByteBuffer bytesOf = tensor.getByteBuffer();
                    if (buffers.size() == f) {
                        buffers.add(null);
                    }
                    ByteBuffer copy = buffers.get(f);
                    if (copy == null || copy.capacity() < bytesOf.remaining()) {
                        copy = ByteBuffer.allocateDirect(bytesOf.remaining()).order(ByteOrder.nativeOrder());
                        buffers.set(f, copy);
                    }
                    copy.clear();
                    copy.put(bytesOf).flip();
                    values.add(copy);
                    shapes.add(tensor.getInfo().getShape());
                    types.add(tensor.getInfo().type);
                    bytes += copy.capacity();
                }
                Map<String, Float> rates = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    String spike = rateOutputSpike.get(e.getKey());
                    if (spike != null) {
                        rates.put(spike, (Float) e.getValue().getValue());
                    }
                }
                return new Kept(next.start(), next.size(), values, shapes, types, rates, bytes);
            }
        }
    }

    private void runSuffix(Kept kept, Map<String, OnnxTensor> weights, float[][] scores, Map<String, Double> rateSums)
            throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        weights.forEach((name, tensor) -> {
            if (suffixWeights.contains(name)) {
                feeds.put(name, tensor);
            }
        });
        List<OnnxTensor> crossing = new ArrayList<>();
        try {
            for (int i = 0; i < cut.frontier().size(); i++) {
                OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
                        kept.values().get(i).duplicate(), kept.shapes().get(i), kept.types().get(i));
                crossing.add(tensor);
                feeds.put(cut.frontier().get(i), tensor);
            }
            try (OrtSession.Result result = suffix.run(feeds)) {
                float[][] batchScores = (float[][]) result.get(0).getValue();
                System.arraycopy(batchScores, 0, scores, kept.start(), kept.size());
                // the same sums, in the same batch order, as EvaluationSession.run
                kept.rates().forEach((spike, rate) -> rateSums.merge(spike, (double) rate * kept.size(), Double::sum));
                for (Map.Entry<String, OnnxValue> e : result) {
                    String spike = rateOutputSpike.get(e.getKey());
                    if (spike != null) {
                        rateSums.merge(spike, (double) (Float) e.getValue().getValue() * kept.size(), Double::sum);
                    }
                }
            }
        } finally {
            crossing.forEach(OnnxTensor::close);
        }
    }

    /** Keeps a fed tensor where the part of the graph that runs takes it; closes it otherwise. */
    private static void keepIf(boolean taken, String name, OnnxTensor tensor, Map<String, OnnxTensor> kept) {
        if (taken) {
            kept.put(name, tensor);
        } else {
            tensor.close();
        }
    }

    /** The fed inputs (weights, split layers' scales) a part of the graph takes. */
    private static Set<String> weightInputs(OrtSession session, EvaluationSession whole) throws OrtException {
        Set<String> inputs = session.getInputNames();
        Set<String> weights = new LinkedHashSet<>();
        whole.model().layers().forEach(l -> EvaluationSession.fedInputs(l, whole.splitSites()).forEach(name -> {
            if (inputs.contains(name)) {
                weights.add(name);
            }
        }));
        return weights;
    }

    private static ModelProto withGraph(ModelLayers model, GraphProto graph) {
        return model.model().proto().toBuilder().setGraph(graph).build();
    }

    /**
     * The crossing tensor's element type as the prefix session reports it. No shape: ONNX Runtime reports none
     * for a tensor the graph does not describe, and the suffix's own inference finds what it needs from the
     * operators.
     */
    private static ValueInfoProto valueInfo(String name, TensorInfo tensor) {
        String type = tensor.onnxType.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.valueOf(type).getNumber()))).build();
    }

    @Override
    public void close() {
        try {
            prefix.close();
            suffix.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing ONNX Runtime session", e);
        }
    }
}
