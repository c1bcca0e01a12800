package io.qsvit.examples;

import ai.djl.ModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import ai.djl.translate.TranslateException;
import io.qsvit.eval.EnergyTable;
import io.qsvit.eval.EvaluationData;
import io.qsvit.eval.ModelEvaluation;
import io.qsvit.eval.data.DataFormat;
import io.qsvit.eval.data.IdxDataset;
import io.qsvit.eval.data.Dataset;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.model.OnnxModel;
import io.qsvit.step.ApplyStep;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The deployment side of qsvit with DJL: {@code apply --djl-serving} quantizes the SDTv2 reference model into
 * DJL Serving model folders, the real one is zipped as an artifact registry would hold it, and DJL loads the
 * zip from its file:// URL through {@code Criteria} (engine, translator and image shape come from the
 * folder's serving.properties) and classifies PNG images. qsvit's own evaluation of the same artifact on the
 * same files runs beside it, and the predictions are compared.
 * <p>
 * Run from the repository root: {@code java -cp plugin/target/qsvit.jar:examples/target/qsvit-examples-0.1.0.jar
 * io.qsvit.examples.DjlDeployment [examples-folder] [work-folder] [images]}. DJL stays offline and keeps its
 * cache in the work folder.
 */
public final class DjlDeployment {
    static final String ONNX_RUNTIME = "OnnxRuntime";

    /** DJL's and qsvit's predicted class for each image, in the image folder's order, and the true classes. */
    public record Result(Path modelZip, List<Integer> djlPredictions, int[] qsvitPredictions, int[] truth,
                         double qsvitAccuracy) {
        public int agreeing() {
            int same = 0;
            for (int i = 0; i < truth.length; i++) {
                same += djlPredictions.get(i) == qsvitPredictions[i] ? 1 : 0;
            }
            return same;
        }

        public double djlAccuracy() {
            int correct = 0;
            for (int i = 0; i < truth.length; i++) {
                correct += djlPredictions.get(i) == truth[i] ? 1 : 0;
            }
            return (double) correct / truth.length;
        }
    }

    private DjlDeployment() {
    }

    public static void main(String[] args) throws Exception {
        Path examples = Path.of(args.length > 0 ? args[0] : "examples");
        Path work = Path.of(args.length > 1 ? args[1] : "target/djl-example");
        int images = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        // before DJL's first use: never reach the network, cache what it unpacks in the work folder
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("DJL_CACHE_DIR", work.resolve("djl-cache").toAbsolutePath().toString());
        Result r = run(examples.resolve("models/sdtv2/model.onnx"), examples.resolve("data/fashion-mnist-2000"),
                examples.resolve("settings/sdtv2-uniform8-downsample4.yaml"), work, images);
        System.out.printf("model      %s (loaded by DJL's OnnxRuntime engine)%n", r.modelZip().toUri());
        System.out.printf("DJL        accuracy %.4f on %d PNG images%n", r.djlAccuracy(), r.truth().length);
        System.out.printf("qsvit      accuracy %.4f on the same files (the evaluate step's pass)%n", r.qsvitAccuracy());
        System.out.printf("agreement  %d of %d predictions equal%n", r.agreeing(), r.truth().length);
    }

    public static Result run(Path modelFile, Path dataFolder, Path settingFile, Path work, int count)
            throws IOException, ModelException, TranslateException {
        // DJL's engine creates ONNX Runtime's process-wide environment with thread options, which ONNX Runtime
        // allows only as the first creation: start it before qsvit (or Tribuo) opens any ONNX Runtime session
        Engine.getEngine(ONNX_RUNTIME);
        Path artifact = work.resolve("artifact");
        ApplyStep.run(modelFile, settingFile, artifact, true);
        Path zip = zip(artifact.resolve(ApplyStep.REAL), work.resolve("sdtv2-real.zip"));
        Path imageFolder = writePngs(IdxDataset.load(dataFolder, IdxDataset.TEST_SPLIT).first(count), work.resolve("images"));
        List<Path> files = imageFiles(imageFolder);

        // DeferredTranslatorFactory: the translator factory named in the model's serving.properties
        Criteria<Path, Classifications> criteria = Criteria.builder().setTypes(Path.class, Classifications.class)
                .optModelUrls(zip.toUri().toString()).optEngine(ONNX_RUNTIME)
                .optTranslatorFactory(new DeferredTranslatorFactory()).build();
        List<Integer> djl = new ArrayList<>();
        try (ZooModel<Path, Classifications> model = criteria.loadModel();
             Predictor<Path, Classifications> predictor = model.newPredictor()) {
            for (Path file : files) {
                djl.add(Integer.parseInt(predictor.predict(file).best().getClassName()));
            }
        }

        // qsvit: the evaluate step's own pass over the same artifact and the same files
        ModelEvaluation qsvit = ModelEvaluation.run(OnnxModel.load(artifact.resolve(ApplyStep.REAL)),
                new EvaluationData(imageFolder, DataFormat.IMAGES, IdxDataset.TEST_SPLIT, null, null),
                EnergyTable.defaults(), 2, 100);
        int[] truth = files.stream().mapToInt(f -> Integer.parseInt(f.getParent().getFileName().toString())).toArray();
        return new Result(zip, djl, qsvit.predictions(), truth, qsvit.top1().value());
    }

    /** The images as 8-bit grey PNG files in one folder per class ("0" to "9"), the way a client has them. */
    static Path writePngs(Dataset images, Path folder) throws IOException {
        ImageShape shape = images.shape().image();
        float[] pixels = new float[shape.size()];
        for (int i = 0; i < images.size(); i++) {
            images.read(i, pixels);
            BufferedImage image = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_BYTE_GRAY);
            int[] samples = new int[pixels.length];
            for (int p = 0; p < pixels.length; p++) {
                samples[p] = Math.round(pixels[p] * 255); // the IDX byte the pixel was read from
            }
            image.getRaster().setSamples(0, 0, shape.width(), shape.height(), 0, samples);
            Path classFolder = Files.createDirectories(folder.resolve(Integer.toString(images.label(i))));
            ImageIO.write(image, "png", classFolder.resolve(String.format("%05d.png", i)).toFile());
        }
        return folder;
    }

    /** The files in the order qsvit's image-folder reader takes them: class folders, then files, by name. */
    static List<Path> imageFiles(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path classFolder : sortedEntries(folder)) {
            files.addAll(sortedEntries(classFolder));
        }
        return files;
    }

    private static List<Path> sortedEntries(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
    }

    /** A zip of the folder's files at its root, with fixed timestamps: same folder, same zip bytes. */
    static Path zip(Path folder, Path zip) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Path file : sortedEntries(folder)) {
                ZipEntry entry = new ZipEntry(file.getFileName().toString());
                entry.setLastModifiedTime(FileTime.fromMillis(0));
                z.putNextEntry(entry);
                Files.copy(file, z);
                z.closeEntry();
            }
        }
        return zip;
    }
}
