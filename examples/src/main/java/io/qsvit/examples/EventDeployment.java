package io.qsvit.examples;

import ai.djl.ModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.qsvit.api.ApplyRequest;
import io.qsvit.api.ApplyResult;
import io.qsvit.api.Data;
import io.qsvit.api.EvaluateRequest;
import io.qsvit.api.Evaluation;
import io.qsvit.api.EventDataSource;
import io.qsvit.api.Form;
import io.qsvit.api.Setting;
import io.qsvit.api.Steps;
import io.qsvit.djl.EventClassifierTranslatorFactory;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The event-camera side of qsvit: {@code apply} quantizes the event reference model (a spiking transformer whose
 * input has a time axis, [N, 4, 2, 34, 34]); DJL classifies the bundled DVS recordings (N-MNIST-format files)
 * with it through qsvit's event translator; qsvit's evaluate pass runs on the same folder, and Tribuo reads it as
 * a dataset of frame counts. The predictions are compared.
 * <p>
 * Run from the repository root: {@code java -cp plugin/cli/target/qsvit.jar:examples/target/qsvit-examples-0.1.0.jar
 * io.qsvit.examples.EventDeployment [examples-folder] [work-folder]}. DJL stays offline.
 */
public final class EventDeployment {
    static final String ONNX_RUNTIME = "OnnxRuntime";

    /** DJL's and qsvit's predicted class per recording (the event folder's order), the truth, Tribuo's count. */
    public record Result(List<Integer> djlPredictions, List<Integer> qsvitPredictions, int[] truth, double qsvitAccuracy,
                         int tribuoExamples, int tribuoFeatures) {
        public int agreeing() {
            int same = 0;
            for (int i = 0; i < truth.length; i++) {
                same += djlPredictions.get(i).equals(qsvitPredictions.get(i)) ? 1 : 0;
            }
            return same;
        }
    }

    private EventDeployment() {
    }

    public static void main(String[] args) throws Exception {
        Path examples = Path.of(args.length > 0 ? args[0] : "examples");
        Path work = Path.of(args.length > 1 ? args[1] : "target/event-example");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("DJL_CACHE_DIR", work.resolve("djl-cache").toAbsolutePath().toString());
        Result r = run(examples.resolve("models/spikformer-dvs/model.onnx"), examples.resolve("data/fashion-mnist-dvs-200"),
                examples.resolve("settings/spikformer-dvs-uniform8.yaml"), work);
        System.out.printf("qsvit      accuracy %.4f on %d recordings (the evaluate step's pass)%n", r.qsvitAccuracy(),
                r.truth().length);
        System.out.printf("DJL        %d of %d predictions equal to qsvit's%n", r.agreeing(), r.truth().length);
        System.out.printf("Tribuo     %d examples of %d features (frame counts)%n", r.tribuoExamples(), r.tribuoFeatures());
    }

    public static Result run(Path modelFile, Path recordings, Path settingFile, Path work)
            throws IOException, ModelException, TranslateException {
        Engine.getEngine(ONNX_RUNTIME);   // before any other ONNX Runtime use in this JVM (see DjlDeployment)
        ApplyResult applied = Steps.apply(ApplyRequest.builder().setModel(modelFile).setSetting(Setting.read(settingFile))
                .setOut(work.resolve("artifact")).build());
        Path real = applied.model(Form.REAL).getParent();
        List<Path> files = recordings(recordings);

        Criteria<Path, Classifications> criteria = Criteria.builder().setTypes(Path.class, Classifications.class)
                .optModelPath(real).optEngine(ONNX_RUNTIME).optTranslatorFactory(new EventClassifierTranslatorFactory())
                .optArgument("frames", 4).optArgument("height", 34).optArgument("width", 34).build();
        List<Integer> djl = new ArrayList<>();
        try (ZooModel<Path, Classifications> model = criteria.loadModel();
             Predictor<Path, Classifications> predictor = model.newPredictor()) {
            for (Classifications c : predictor.batchPredict(files)) {
                djl.add(Integer.parseInt(c.best().getClassName()));
            }
        }

        // qsvit: the evaluate step on the same artifact and the same recordings
        Evaluation qsvit = Steps.evaluate(EvaluateRequest.builder().setModel(applied.folder())
                .setData(Data.builder().setPath(recordings).optFormat(Data.Format.EVENTS).optSplit("test").build())
                .build()).model();
        int[] truth = files.stream().mapToInt(f -> Integer.parseInt(f.getParent().getFileName().toString())).toArray();

        EventDataSource source = new EventDataSource(recordings, "test", 4, 34, 34, "number", "");
        MutableDataset<Label> dataset = new MutableDataset<>(source);
        return new Result(djl, qsvit.predictions(), truth, qsvit.accuracy(), dataset.size(),
                dataset.getFeatureMap().size());
    }

    /** The recordings in the order qsvit's event folder reads them: class folders, then files, by name. */
    static List<Path> recordings(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path classFolder : sorted(folder)) {
            if (Files.isDirectory(classFolder)) {
                files.addAll(sorted(classFolder));
            }
        }
        return files;
    }

    private static List<Path> sorted(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }
}
