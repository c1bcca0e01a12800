package io.qsvit.examples;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.qsvit.api.ImageDataSource;
import io.qsvit.api.ImageDataSourceProvenance;
import io.qsvit.api.QuantizationProvenance;
import io.qsvit.api.TribuoQuantizer;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.interop.onnx.ImageTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Tribuo's external-model workflow, then qsvit, configured as Tribuo users configure their trainers: qsvit's
 * quantizer and data source come from an OLCUT file ({@code examples/tribuo/quantizer.xml}). The SDTv2 reference
 * ONNX model is wrapped as Tribuo's ONNXExternalModel and evaluated by Tribuo's LabelEvaluator on a Tribuo
 * dataset read by qsvit's data source; quantized by qsvit into a new Tribuo model, evaluated again, saved with
 * Tribuo's protobuf serialization and read back with its quantization provenance.
 * <p>
 * Run from the repository root after {@code mvn -B -q package -DskipTests}:
 * {@code java -cp "examples/target/qsvit-examples-0.1.0.jar:$(cat examples/target/classpath.txt)"
 * io.qsvit.examples.TribuoQuantization [examples-folder] [output-folder]}.
 */
public final class TribuoQuantization {
    private static final int CLASSES = 10;

    /** Tribuo's evaluations before and after, and the quantized model as read back from its file. */
    public record Result(ImageDataSourceProvenance data, LabelEvaluation before, LabelEvaluation after,
                         Path savedModel, QuantizationProvenance quantization) {
    }

    private TribuoQuantization() {
    }

    public static void main(String[] args) throws Exception {
        Path examples = Path.of(args.length > 0 ? args[0] : "examples");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "target/tribuo-example"));
        Result result = run(examples.resolve("tribuo/quantizer.xml"), examples.resolve("models/sdtv2/model.onnx"),
                examples.resolve("data/fashion-mnist-2000"), examples.resolve("settings/sdtv2-uniform8-downsample4.yaml"), out);
        print(result);
    }

    /**
     * @param config  the OLCUT configuration; its paths are replaced by the given ones, as OLCUT's command line
     *                overrides a property ({@code --@component.property value})
     */
    public static Result run(Path config, Path modelFile, Path dataFolder, Path settingFile, Path out)
            throws OrtException, IOException {
        ConfigurationManager olcut = new ConfigurationManager(new String[] {"-c", config.toString(),
                "--@quantizer.settingFile", settingFile.toString(), "--@test-data.path", dataFolder.toString()});
        TribuoQuantizer quantizer = (TribuoQuantizer) olcut.lookup("quantizer");
        ImageDataSource source = (ImageDataSource) olcut.lookup("test-data");
        MutableDataset<Label> test = new MutableDataset<>(source);

        // Tribuo's external model: the ONNX file, Tribuo's image and label transformers, the source's pixel names
        Map<Label, Integer> outputs = new HashMap<>();
        for (int c = 0; c < CLASSES; c++) {
            outputs.put(new Label(Integer.toString(c)), c);
        }
        LabelEvaluator evaluator = new LabelEvaluator();
        try (ONNXExternalModel<Label> model = ONNXExternalModel.createOnnxModel(new LabelFactory(),
                source.featureMapping(), outputs, new ImageTransformer(source.channels(), source.height(), source.width()),
                new LabelTransformer(), new OrtSession.SessionOptions(), modelFile, "image")) {
            LabelEvaluation before = evaluator.evaluate(model, test);

            // qsvit: the same Tribuo model, quantized, its provenance saying how
            Path saved = out.resolve("sdtv2-quantized.tribuo");
            LabelEvaluation after;
            try (ONNXExternalModel<Label> quantized = quantizer.quantize(model)) {
                after = evaluator.evaluate(quantized, test);
                quantized.serializeToFile(saved);
            }
            Model<?> reloaded = Model.deserializeFromFile(saved);
            QuantizationProvenance quantization = QuantizationProvenance.of(reloaded.getProvenance()).orElseThrow();
            ((ONNXExternalModel<?>) reloaded).close();
            return new Result((ImageDataSourceProvenance) source.getProvenance(), before, after, saved, quantization);
        }
    }

    private static void print(Result r) {
        System.out.printf("data       %d images, content sha256 %s%n", r.data().examples(), r.data().contentSha256());
        System.out.printf("before     accuracy %.4f, macro-F1 %.4f (Tribuo LabelEvaluator, float model)%n",
                r.before().accuracy(), r.before().macroAveragedF1());
        System.out.printf("after      accuracy %.4f, macro-F1 %.4f (Tribuo LabelEvaluator, %s model)%n",
                r.after().accuracy(), r.after().macroAveragedF1(), r.quantization().form());
        System.out.printf("saved      %s; its provenance, read back:%n", r.savedModel());
        QuantizationProvenance q = r.quantization();
        System.out.printf("  setting         %s%n", q.setting());
        System.out.printf("  schemes         %s%n", q.schemes());
        System.out.printf("  source sha256   %s%n", q.sourceModelSha256());
        System.out.printf("  model sha256    %s%n", q.modelSha256());
        System.out.printf("  quantizer       %s%n", q.quantizer());
        System.out.printf("  qsvit %s, apply algorithm %d%n", q.toolVersion(), q.applyAlgorithm());
    }
}
