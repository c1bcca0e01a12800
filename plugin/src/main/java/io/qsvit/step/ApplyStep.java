package io.qsvit.step;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.qsvit.UserInputException;
import io.qsvit.model.Group;
import io.qsvit.model.Layer;
import io.qsvit.model.ModelLayers;
import io.qsvit.eval.RuntimeCheck;
import io.qsvit.model.OnnxModel;
import io.qsvit.model.prepare.Preparation;
import io.qsvit.eval.PreparedModels;
import io.qsvit.model.OnnxWriter;
import io.qsvit.model.TensorShapes;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.Grouping;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.InputMeans;
import io.qsvit.quant.BiasCorrection;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.quant.Runtime;
import io.qsvit.quant.RuntimeRule;
import io.qsvit.quant.Setting;
import io.qsvit.model.WeightEncoding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * QSViT Algorithm 4: apply a setting to a model. Writes {@code simulated/model.onnx} (fake-quantized float
 * weights), {@code real/model.onnx} (integer codes + dequantization), {@code setting.json} and the step's
 * metadata, with the memory accounting next to the real file's measured size.
 */
public final class ApplyStep {
    public static final String NAME = "apply";
    /**
     * 3: codes packed at their own bit width and the run-time form chosen per layer (--runtime); the real model
     * raised by the op-set converter to the op-set its decode nodes need. 4: spike-input 1x1 Conv and MatMul layers
     * computed as integer levels, then the scale, in both models (exact: real == simulated), ort-cpu the default.
     */
    public static final int ALGORITHM_VERSION = 4;
    public static final String SIMULATED = "simulated";
    public static final String REAL = "real";
    public static final String SETTING_FILE = "setting.json";

    /** Images per ONNX Runtime call while measuring the calibration means. */
    static final int CALIBRATION_BATCH = 50;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApplyStep() {
    }

    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out) {
        return run(modelPath, settingPath, out, false);
    }

    /**
     * @param modelPath   an ONNX file, a folder holding {@code model.onnx}, or an apply output folder (its real
     *                    model: the codes decode to the weights it computes with, which are quantized again)
     * @param settingPath a setting file, or a folder holding {@value #SETTING_FILE} (explore's or apply's output, or
     *                    a run's output, whose apply/{@value #SETTING_FILE} it takes)
     * @param djlServing  also make both model folders DJL Serving model folders ({@link DjlServing}); the models
     *                    and results are the same either way
     */
    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out, boolean djlServing) {
        return run(modelPath, settingPath, out, djlServing, Preprocessing.NONE, Runtime.DEFAULT);
    }

    /**
     * @param served  how the DJL Serving folders' translator preprocesses images (written to serving.properties
     *                and, unless it is the {@code none} preset, recorded as a parameter)
     * @param runtime what the real model is written for: {@link Runtime#ORT_CPU} (integer kernels for the layers
     *                {@link RuntimeRule} splits) or {@link Runtime#PORTABLE} (standard float operators only)
     */
    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out, boolean djlServing,
                                             Preprocessing served, Runtime runtime) {
        return run(modelPath, settingPath, out, djlServing, served, runtime, null);
    }

    /**
     * @param calibration the images bias correction measures the layers' input means on ({@link BiasCorrection}),
     *                    or null for no bias correction
     */
    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out, boolean djlServing,
                                             Preprocessing served, Runtime runtime, EvaluationData calibration) {
        return run(modelPath, settingPath, out, djlServing, served, EventOptions.DEFAULT, runtime, calibration);
    }

    /**
     * @param servedEvents for a model whose input has a time axis, how the DJL Serving folders' translator makes
     *                     frames of a recording (written to serving.properties and recorded as a parameter)
     */
    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out, boolean djlServing,
                                             Preprocessing served, EventOptions servedEvents, Runtime runtime,
                                             EvaluationData calibration) {
        // prepared (BatchNorm folded, ...); also an apply output folder: its real model, as evaluate reads it
        Preparation.Prepared loaded = ModelInput.load(modelPath);
        Setting setting = Setting.read(settingFile(settingPath));
        ModelLayers layers = layersToQuantize(loaded.model(), setting.grouping());
        OnnxModel model = layers.model();
        setting.validate(layers);
        // checked before writing
        String serving = djlServing ? DjlServing.properties(model, served, servedEvents) : null;
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("model", ModelDigest.of(loaded.original()));
        inputs.put("setting", Digests.ofCanonicalJson(setting)); // meaning, not formatting, of the setting file
        if (djlServing) {
            inputs.put("djl_translator", Digests.of(TranslatorJar.bytes())); // the output carries it in libs/
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (djlServing) {
            parameters.put("djl_serving", true);
            parameters.putAll(DjlServing.parameters(model, served, servedEvents));
        }
        parameters.put("runtime", runtime.id());
        if (calibration != null) { // absent when off, so earlier cache keys stay valid
            parameters.put("bias_correction", true);
            parameters.put("calibration", calibration.parameters());
            inputs.put("calibration_data", calibration.digest());
        }
        parameters.put("preparation", Preparation.ID);
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters, inputs);
        return ArtifactFolder.publish(out, context, (folder, timings) -> {
            ModelLayers quantized = layers;
            Map<String, Object> correction = new LinkedHashMap<>();
            correction.put("enabled", calibration != null);
            if (calibration != null) {
                // one thread and fixed batches: the reductions add in one order on every machine, so the corrected
                // biases, and the artifacts, are the same bytes everywhere
                Map<String, double[]> means = InputMeans.measure(layers, setting.grouping(), calibration, 1,
                        CALIBRATION_BATCH);
                Map<String, double[]> shifts = BiasCorrection.shifts(layers, setting, means);
                quantized = ModelLayers.of(BiasCorrection.fold(layers, shifts), setting.grouping());
                correction.put("calibration_data_digest", inputs.get("calibration_data"));
                correction.put("corrected_layers", shifts.size());
                Map<String, Double> largest = new LinkedHashMap<>();
                for (Layer l : layers.layers()) {
                    double[] s = shifts.get(l.tensorName());
                    if (s != null) {
                        largest.put(l.path(), java.util.Arrays.stream(s).map(Math::abs).max().orElse(0));
                    }
                }
                correction.put("max_abs_shift", largest);
            }
            QuantizedArtifacts artifacts = quantize(quantized, setting, runtime);
            OnnxModel finalModel = quantized.model();
            // the two files are independent: write them side by side
            CompletableFuture<Path> simulated = CompletableFuture.supplyAsync(
                    () -> OnnxWriter.write(artifacts.simulated(), finalModel, folder.resolve(SIMULATED)));
            OnnxWriter.write(artifacts.real(), quantized.model(), folder.resolve(REAL));
            join(simulated);
            // loaded as evaluate will load them: a model the next step would refuse is never published
            RuntimeCheck.loads(folder.resolve(REAL).resolve(OnnxModel.MODEL_FILE), "the real model apply wrote");
            RuntimeCheck.loads(folder.resolve(SIMULATED).resolve(OnnxModel.MODEL_FILE), "the simulated model apply wrote");
            Files.writeString(folder.resolve(SETTING_FILE), json(setting) + "\n");
            Map<String, Object> results = results(quantized, setting, artifacts, folder.resolve(REAL));
            results.put("bias_correction", correction);
            results.put("preparation", loaded.record().toMap());
            if (serving != null) { // after the results: the real model's measured size is the model's alone
                DjlServing.write(folder.resolve(SIMULATED), serving);
                DjlServing.write(folder.resolve(REAL), serving);
            }
            return results;
        });
    }

    /** The model's layers, or for a real artifact the layers of the float model its codes decode to. */
    public static ModelLayers layersToQuantize(OnnxModel model, Grouping grouping) {
        ModelLayers found = ModelLayers.of(model, grouping);
        return found.layers().stream().anyMatch(Layer::encoded) // a real artifact: quantize what it computes
                ? ModelLayers.of(LayerWeights.decodedModel(found), grouping) : found;
    }

    /**
     * Both quantized forms of a model under a setting, carrying the setting as apply records it: the same
     * models apply writes, for callers that keep them in memory (the Tribuo adapter).
     */
    public static QuantizedArtifacts quantize(ModelLayers layers, Setting setting) {
        return quantize(layers, setting, Runtime.DEFAULT);
    }

    public static QuantizedArtifacts quantize(ModelLayers layers, Setting setting, Runtime runtime) {
        return QuantizedArtifacts.build(layers, setting, json(setting), runtime);
    }

    /** A setting file, or the setting.json in a folder (an explore or apply output), as a pipeline passes it. */
    static Path settingFile(Path path) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        Path inside = path.resolve(SETTING_FILE);
        Path ofRun = path.resolve(NAME).resolve(SETTING_FILE); // a run's output folder: its apply step's setting
        if (!Files.isRegularFile(inside) && Files.isRegularFile(ofRun)) {
            return ofRun;
        }
        if (!Files.isRegularFile(inside)) {
            throw new UserInputException("setting folder " + path + " has no " + SETTING_FILE);
        }
        return inside;
    }

    private static Map<String, Object> results(ModelLayers layers, Setting setting, QuantizedArtifacts artifacts,
                                               Path realFolder) throws IOException {
        ModelProto real = artifacts.real();
        MemoryAccount memory = setting.memory(layers);
        Map<String, Object> groups = new LinkedHashMap<>();
        for (Group g : layers.groups()) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("kind", g.kind().id());
            group.put("scheme", setting.schemeOf(g).id());
            group.put("params", g.params());
            groups.put(g.name(), group);
        }
        Map<String, Object> weights = new LinkedHashMap<>();
        weights.put("params", memory.totalParams());
        weights.put("weight_bits", memory.weightBits());
        weights.put("overhead_bits", memory.overheadBits());
        weights.put("effective_bits", memory.effectiveBits());
        weights.put("storage_bytes", memory.storageBytes());
        weights.put("float32_bytes", memory.float32Bytes());
        weights.put("saving_vs_float32", memory.savingVsFloat32());
        long otherTensors = otherTensorBytes(layers, real);
        long graphBytes = graphBytes(real);
        long accounted = memory.storageBytes() + otherTensors + graphBytes;
        long measured = folderBytes(realFolder);
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("bytes", measured);
        file.put("accounted_bytes", accounted);
        file.put("accounted_weights_bytes", memory.storageBytes());
        file.put("other_tensors_bytes", otherTensors);
        file.put("graph_bytes", graphBytes);
        file.put("ratio_to_accounted", (double) measured / accounted);
        long stored = storedWeightBytes(real);
        file.put("weights_bytes", stored);
        file.put("weights_ratio_to_accounted", memory.storageBytes() == 0 ? 1.0 : (double) stored / memory.storageBytes());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("groups", groups);
        results.put("weights", weights);
        results.put("real_model", file);
        results.put("runtime", runtime(artifacts));
        return results;
    }

    /** The run time the real model is written for, the rule, and each quantized layer's form. */
    private static Map<String, Object> runtime(QuantizedArtifacts artifacts) {
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("name", artifacts.runtime().id());
        runtime.put("rule", RuntimeRule.describe(artifacts.runtime()));
        if (artifacts.runtime() == Runtime.ORT_CPU) {
            runtime.put("measured", RuntimeRule.MEASURED);
        }
        Map<String, Long> counts = new TreeMap<>();
        Map<String, String> layers = new LinkedHashMap<>();
        artifacts.forms().forEach((path, form) -> {
            layers.put(path, form.id());
            counts.merge(form.id(), 1L, Long::sum);
        });
        runtime.put("forms", counts);
        runtime.put("layers", layers);
        return runtime;
    }

    /**
     * Bytes the real file holds for its quantized weights: every encoded layer's codes, scales, zero points and
     * level table, as read back by the layer finder (what the accounting's storage bytes count).
     */
    private static long storedWeightBytes(ModelProto real) {
        Map<String, TensorProto> tensors = new java.util.HashMap<>();
        real.getGraph().getInitializerList().forEach(t -> tensors.put(t.getName(), t));
        Set<String> counted = new HashSet<>();
        long bytes = 0;
        for (Layer layer : io.qsvit.model.LayerFinder.find(real.getGraph())) {
            if (!layer.encoded()) {
                continue;
            }
            WeightEncoding e = layer.encoding();
            for (String name : List.of(e.codes(), e.scale(), e.zeroPoint(), e.table())) {
                if (!name.isEmpty() && counted.add(name)) {
                    bytes += TensorShapes.byteSize(tensors.get(name));
                }
            }
        }
        return bytes;
    }

    /** Bytes of tensors that are not quantizable weights (biases, normalisation), stored as they were. */
    private static long otherTensorBytes(ModelLayers layers, ModelProto real) {
        Set<String> weightNames = new HashSet<>();
        for (Layer l : layers.layers()) {
            weightNames.add(l.tensorName());
        }
        long bytes = 0;
        for (TensorProto t : layers.model().proto().getGraph().getInitializerList()) {
            if (!weightNames.contains(t.getName())) {
                bytes += TensorShapes.byteSize(t);
            }
        }
        return bytes;
    }

    /** Serialized size of the real model with no tensor data: structure, names, attributes. */
    private static long graphBytes(ModelProto real) {
        GraphProto.Builder graph = real.getGraph().toBuilder();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            graph.setInitializer(i, graph.getInitializer(i).toBuilder().clearRawData().clearFloatData());
        }
        return real.toBuilder().setGraph(graph).build().getSerializedSize();
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            long total = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private static void join(CompletableFuture<Path> write) {
        try {
            write.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause; // a UserInputException from the writer keeps its one-line message
            }
            throw e;
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value, e);
        }
    }
}
