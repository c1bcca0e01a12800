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
import io.qsvit.model.OnnxModel;
import io.qsvit.model.OnnxWriter;
import io.qsvit.model.TensorShapes;
import io.qsvit.artifact.ArtifactFolder;
import io.qsvit.artifact.Digests;
import io.qsvit.artifact.ModelDigest;
import io.qsvit.artifact.StepContext;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.Grouping;
import io.qsvit.quant.LayerWeights;
import io.qsvit.quant.MemoryAccount;
import io.qsvit.quant.QuantizedArtifacts;
import io.qsvit.quant.Setting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    public static final int ALGORITHM_VERSION = 1;
    public static final String SIMULATED = "simulated";
    public static final String REAL = "real";
    public static final String SETTING_FILE = "setting.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ApplyStep() {
    }

    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out) {
        return run(modelPath, settingPath, out, false);
    }

    /**
     * @param settingPath a setting file, or a folder holding {@value #SETTING_FILE} (explore's or apply's output)
     * @param djlServing  also make both model folders DJL Serving model folders ({@link DjlServing}); without
     *                    it the output is exactly what it was before the option existed (same cache key, same bytes)
     */
    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out, boolean djlServing) {
        return run(modelPath, settingPath, out, djlServing, Preprocessing.NONE);
    }

    /**
     * @param served how the DJL Serving folders' translator preprocesses images (written to serving.properties
     *               and, unless it is the {@code none} preset, recorded as a parameter)
     */
    public static ArtifactFolder.Outcome run(Path modelPath, Path settingPath, Path out, boolean djlServing,
                                             Preprocessing served) {
        OnnxModel loaded = OnnxModel.load(modelPath);
        Setting setting = Setting.read(settingFile(settingPath));
        ModelLayers layers = layersToQuantize(loaded, setting.grouping());
        OnnxModel model = layers.model();
        setting.validate(layers);
        ImageShape servedImage = djlServing ? DjlServing.imageShape(model, served.layout()) : null; // checked before writing
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("model", ModelDigest.of(loaded));
        inputs.put("setting", Digests.ofCanonicalJson(setting)); // meaning, not formatting, of the setting file
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (djlServing) {
            parameters.put("djl_serving", true);
            if (!served.isIdentity()) {
                parameters.put("serving_preprocessing", served.parameters());
            }
        }
        StepContext context = new StepContext(NAME, ALGORITHM_VERSION, parameters, inputs);
        return ArtifactFolder.publish(out, context, (folder, timings) -> {
            QuantizedArtifacts artifacts = quantize(layers, setting);
            // the two files are independent: write them side by side
            CompletableFuture<Path> simulated = CompletableFuture.supplyAsync(
                    () -> OnnxWriter.write(artifacts.simulated(), model, folder.resolve(SIMULATED)));
            OnnxWriter.write(artifacts.real(), model, folder.resolve(REAL));
            join(simulated);
            Files.writeString(folder.resolve(SETTING_FILE), json(setting) + "\n");
            Map<String, Object> results = results(layers, setting, artifacts.real(), folder.resolve(REAL));
            if (servedImage != null) { // after the results: the real model's measured size is the model's alone
                DjlServing.write(folder.resolve(SIMULATED), servedImage, served);
                DjlServing.write(folder.resolve(REAL), servedImage, served);
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
        return QuantizedArtifacts.build(layers, setting, json(setting));
    }

    /** A setting file, or the setting.json in a folder (an explore or apply output), as a pipeline passes it. */
    static Path settingFile(Path path) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        Path inside = path.resolve(SETTING_FILE);
        if (!Files.isRegularFile(inside)) {
            throw new UserInputException("setting folder " + path + " has no " + SETTING_FILE);
        }
        return inside;
    }

    private static Map<String, Object> results(ModelLayers layers, Setting setting, ModelProto real, Path realFolder)
            throws IOException {
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
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("groups", groups);
        results.put("weights", weights);
        results.put("real_model", file);
        return results;
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
