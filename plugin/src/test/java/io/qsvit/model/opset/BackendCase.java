package io.qsvit.model.opset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One model of ONNX's backend test data: {@code model.onnx} and its {@code test_data_set_N} folders of
 * input and expected output tensors. {@link #outputs} runs a model (the original or an upgraded copy) on every
 * data set in ONNX Runtime; {@link #mismatch} compares outputs under the backend tests' tolerance.
 */
record BackendCase(String category, String name, ModelProto model, List<DataSet> sets) {
    record DataSet(List<TensorProto> inputs, List<TensorProto> outputs) {
    }

    static BackendCase read(Path dir) {
        try {
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
            List<DataSet> sets = new ArrayList<>();
            try (Stream<Path> folders = Files.list(dir)) {
                for (Path set : folders.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList()) {
                    sets.add(new DataSet(tensors(set, "input_"), tensors(set, "output_")));
                }
            }
            return new BackendCase(dir.getParent().getFileName().toString(), dir.getFileName().toString(), model, sets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<TensorProto> tensors(Path set, String prefix) throws IOException {
        List<TensorProto> out = new ArrayList<>();
        for (int k = 0; Files.exists(set.resolve(prefix + k + ".pb")); k++) {
            out.add(TensorProto.parseFrom(Files.readAllBytes(set.resolve(prefix + k + ".pb"))));
        }
        return out;
    }

    int opset() {
        return OpsetConverter.opset(model);
    }

    /** The graph inputs fed by data (IR 3 models list their initializers among the inputs too). */
    List<ValueInfoProto> dataInputs() {
        Set<String> initializers = new HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        return model.getGraph().getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
    }

    /** Why ONNX Runtime's Java API cannot run this case (sequence or optional values, unsigned types), or null. */
    String unfeedable() {
        if (sets.isEmpty()) {
            return "no test data";
        }
        for (ValueInfoProto v : dataInputs()) {
            String why = unsupported(v.getType());
            if (why != null) {
                return "input " + why;
            }
        }
        for (ValueInfoProto v : model.getGraph().getOutputList()) {
            String why = unsupported(v.getType());
            if (why != null) {
                return "output " + why;
            }
        }
        for (DataSet set : sets) {
            if (set.inputs.size() != dataInputs().size() || set.outputs.size() != model.getGraph().getOutputCount()) {
                return "test data does not match the graph's inputs and outputs";
            }
        }
        return null;
    }

    private static String unsupported(TypeProto type) {
        if (!type.hasTensorType()) {
            return "of type " + type.getValueCase();
        }
        return TensorValues.javaType(type.getTensorType().getElemType()).isPresent() ? null
                : "of element type " + TensorProto.DataType.forNumber(type.getTensorType().getElemType());
    }

    /** The outputs ONNX Runtime gives for every data set, in graph output order. */
    List<List<TensorProto>> outputs(OrtEnvironment env, ModelProto candidate) throws OrtException {
        List<List<TensorProto>> all = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            try (OrtSession session = env.createSession(candidate.toByteArray(), options)) {
                List<ValueInfoProto> inputs = dataInputs();
                for (DataSet set : sets) {
                    Map<String, OnnxTensor> feed = new HashMap<>();
                    try {
                        for (int k = 0; k < inputs.size(); k++) {
                            feed.put(inputs.get(k).getName(), TensorValues.input(env, set.inputs.get(k)));
                        }
                        try (OrtSession.Result result = session.run(feed)) {
                            List<TensorProto> outputs = new ArrayList<>();
                            for (int k = 0; k < set.outputs.size(); k++) {
                                String name = model.getGraph().getOutput(k).getName();
                                OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
                                outputs.add(TensorValues.proto((OnnxTensor) value, set.outputs.get(k).getDataType()));
                            }
                            all.add(outputs);
                        }
                    } finally {
                        feed.values().forEach(OnnxTensor::close);
                    }
                }
            }
        }
        return all;
    }

    List<List<TensorProto>> expected() {
        return sets.stream().map(DataSet::outputs).toList();
    }

    /** Null when the outputs agree (backend test tolerance), else the first difference. */
    String mismatch(List<List<TensorProto>> actual, List<List<TensorProto>> expected) {
        for (int s = 0; s < expected.size(); s++) {
            for (int k = 0; k < expected.get(s).size(); k++) {
                String why = TensorValues.mismatch(actual.get(s).get(k), expected.get(s).get(k));
                if (why != null) {
                    return "data set " + s + ", output '" + model.getGraph().getOutput(k).getName() + "': " + why;
                }
            }
        }
        return null;
    }
}
