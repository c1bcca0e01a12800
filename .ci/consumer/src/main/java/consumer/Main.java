package consumer;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.qsvit.api.ImageDataSource;
import io.qsvit.api.QuantizationProvenance;
import io.qsvit.api.Setting;
import io.qsvit.api.TribuoQuantizer;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.interop.onnx.ImageTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Evaluates an ONNX model in Tribuo, quantizes it with qsvit, evaluates it again. Arguments: model, IDX folder, setting. */
public final class Main {
    public static void main(String[] args) throws Exception {
        ImageDataSource source = ImageDataSource.idx(Path.of(args[1]), "t10k");
        MutableDataset<Label> test = new MutableDataset<>(source);
        Map<Label, Integer> outputs = new HashMap<>();
        for (int c = 0; c < 10; c++) {
            outputs.put(new Label(Integer.toString(c)), c);
        }
        try (ONNXExternalModel<Label> model = ONNXExternalModel.createOnnxModel(new LabelFactory(), source.featureMapping(),
                outputs, new ImageTransformer(source.channels(), source.height(), source.width()), new LabelTransformer(),
                new OrtSession.SessionOptions(), Path.of(args[0]), "image");
             ONNXExternalModel<Label> quantized = new TribuoQuantizer(Setting.read(Path.of(args[2]))).quantize(model)) {
            LabelEvaluator evaluator = new LabelEvaluator();
            System.out.println("onnxruntime " + OrtEnvironment.getEnvironment().getVersion());
            System.out.printf(Locale.ROOT, "float %.4f%n", evaluator.evaluate(model, test).accuracy());
            System.out.printf(Locale.ROOT, "quantized %.4f%n", evaluator.evaluate(quantized, test).accuracy());
            System.out.println("form " + QuantizationProvenance.of(quantized.getProvenance()).orElseThrow().form());
        }
    }
}
