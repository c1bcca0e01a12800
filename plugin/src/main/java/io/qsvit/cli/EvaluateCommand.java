package io.qsvit.cli;

import io.qsvit.eval.Accuracy;
import io.qsvit.eval.OnnxClassifier;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.DatasetSpec;
import io.qsvit.eval.data.Datasets;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.LabeledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Evaluates a classifier on labelled images and reports its top-1 accuracy. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate an ONNX image classifier on labelled images: top-1 accuracy with its 95% interval, top-5.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "ONNX model file.")
    Path model;

    @Option(names = "--data", required = true, description = "Labelled images: an IDX folder, a folder of .npy "
            + "arrays, a libsvm file, or a folder with one sub-folder of images per class.")
    Path data;

    @Option(names = "--format", defaultValue = "auto",
            description = "auto (detect), idx, npy, libsvm or images (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--split", defaultValue = IdxDataset.TEST_SPLIT, description = "IDX split name (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", description = "Evaluate only the first N images.")
    Integer limit;

    @Option(names = "--batch", defaultValue = "250", description = "Images per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        LabeledImages images;
        float[][] scores;
        double seconds;
        try (OnnxClassifier classifier = OnnxClassifier.open(model, cores)) {
            DatasetSpec spec = DatasetSpec.detect().withFormat(DataFormat.parse(format)).withSplit(split)
                    .withShape(classifier.imageShape());
            images = Datasets.open(data, spec).images();
            if (limit != null) {
                images = images.first(limit);
            }
            long start = System.nanoTime();
            scores = classifier.scores(images, batch);
            seconds = (System.nanoTime() - start) / 1e9;
        }
        print(Accuracy.topK(scores, images, 1), Accuracy.topK(scores, images, 5), seconds);
        return 0;
    }

    private void print(Accuracy accuracy, Accuracy top5, double seconds) throws Exception {
        double[] interval = accuracy.interval95();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("model", model.toString());
            report.put("data", data.toString());
            report.put("split", split);
            report.put("images", accuracy.total());
            report.put("correct", accuracy.correct());
            report.put("accuracy", accuracy.value());
            report.put("accuracy_interval95", interval);
            report.put("top5_accuracy", top5.value());
            report.put("seconds", seconds);
            out.println(Qsvit.JSON.writeValueAsString(report));
        } else {
            out.printf("model     %s%n", model);
            out.printf("data      %s (%s, %d images)%n", data, split, accuracy.total());
            out.printf("accuracy  %.4f (%d of %d correct; 95%% interval %.4f-%.4f), top-5 %.4f%n", accuracy.value(),
                    accuracy.correct(), accuracy.total(), interval[0], interval[1], top5.value());
            out.printf("time      %.2f s, %.0f images/s%n", seconds, accuracy.total() / seconds);
        }
        out.flush();
    }
}
