package io.qsvit.examples;

import ai.djl.ModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.util.JsonUtils;
import com.google.gson.JsonArray;
import io.qsvit.api.ApplyRequest;
import io.qsvit.api.ApplyResult;
import io.qsvit.api.Data;
import io.qsvit.api.EvaluateRequest;
import io.qsvit.api.Evaluation;
import io.qsvit.api.Form;
import io.qsvit.api.ImageDataSource;
import io.qsvit.api.Setting;
import io.qsvit.api.Steps;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The deployment side of qsvit with DJL: {@code apply} with DJL Serving folders quantizes the SDTv2 reference
 * model, the real model's folder is zipped as an artifact registry would hold it ({@code model.onnx},
 * {@code serving.properties}, {@code libs/qsvit-djl.jar}), and DJL loads the zip from its file:// URL as DJL
 * Serving does: {@code Criteria<Input, Output>} with no translator of ours, so DJL takes the engine and the
 * translator from the folder (the translator from its {@code libs/}) and answers requests holding PNG files with
 * JSON classifications. qsvit's own evaluation of the same artifact on the same files runs beside it, and the
 * predictions are compared.
 * <p>
 * Run from the repository root after {@code mvn -B -q package -DskipTests}:
 * {@code java -cp "examples/target/qsvit-examples-0.1.0.jar:$(cat examples/target/classpath.txt)"
 * io.qsvit.examples.DjlDeployment [examples-folder] [work-folder] [images]}. DJL stays offline and keeps its
 * cache in the work folder.
 */
public final class DjlDeployment {
    static final String ONNX_RUNTIME = "OnnxRuntime";

    /** DJL's and qsvit's predicted class for each image, in the image folder's order, and the true classes. */
    public record Result(Path modelZip, List<Integer> djlPredictions, List<Integer> qsvitPredictions, int[] truth,
                         double qsvitAccuracy) {
        public int agreeing() {
            int same = 0;
            for (int i = 0; i < truth.length; i++) {
                same += djlPredictions.get(i).equals(qsvitPredictions.get(i)) ? 1 : 0;
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
        System.out.printf("model      %s (loaded by DJL's OnnxRuntime engine, translator from its libs/)%n", r.modelZip().toUri());
        System.out.printf("DJL        accuracy %.4f on %d PNG images%n", r.djlAccuracy(), r.truth().length);
        System.out.printf("qsvit      accuracy %.4f on the same files (the evaluate step)%n", r.qsvitAccuracy());
        System.out.printf("agreement  %d of %d predictions equal%n", r.agreeing(), r.truth().length);
    }

    public static Result run(Path modelFile, Path dataFolder, Path settingFile, Path work, int count)
            throws IOException, ModelException, TranslateException {
        // DJL's engine creates ONNX Runtime's process-wide environment with thread options, which ONNX Runtime
        // allows only as the first creation: start it before qsvit (or Tribuo) opens any ONNX Runtime session
        Engine.getEngine(ONNX_RUNTIME);
        ApplyResult applied = Steps.apply(ApplyRequest.builder().setModel(modelFile).setSetting(Setting.read(settingFile))
                .setOut(work.resolve("artifact")).optDjlServing(true).build());
        Path realFolder = applied.model(Form.REAL).getParent();
        Path zip = zip(realFolder, work.resolve("sdtv2-real.zip"));
        Path imageFolder = writePngs(ImageDataSource.idx(dataFolder, "t10k"), count, work.resolve("images"));
        List<Path> files = imageFiles(imageFolder);

        // as DJL Serving loads a model: Input and Output, engine and translator named by the folder's serving.properties
        Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelUrls(zip.toUri().toString()).build();
        List<Integer> djl = new ArrayList<>();
        try (ZooModel<Input, Output> model = criteria.loadModel(); Predictor<Input, Output> predictor = model.newPredictor()) {
            for (Path file : files) {
                Input request = new Input();
                request.addProperty("Content-Type", "image/png");
                request.add("data", Files.readAllBytes(file));
                String json = predictor.predict(request).getData().getAsString();
                JsonArray classes = JsonUtils.GSON.fromJson(json, JsonArray.class); // best first
                djl.add(Integer.parseInt(classes.get(0).getAsJsonObject().get("className").getAsString()));
            }
        }

        // qsvit: the evaluate step on the same artifact and the same files
        Evaluation qsvit = Steps.evaluate(EvaluateRequest.builder().setModel(applied.folder())
                .setData(Data.builder().setPath(imageFolder).optFormat(Data.Format.IMAGES).build()).build()).model();
        int[] truth = files.stream().mapToInt(f -> Integer.parseInt(f.getParent().getFileName().toString())).toArray();
        return new Result(zip, djl, qsvit.predictions(), truth, qsvit.accuracy());
    }

    /** The first images as 8-bit grey PNG files in one folder per class ("0" to "9"), the way a client has them. */
    static Path writePngs(ImageDataSource images, int count, Path folder) throws IOException {
        Iterator<Example<Label>> examples = images.iterator();
        for (int i = 0; i < count && examples.hasNext(); i++) {
            Example<Label> example = examples.next();
            int[] samples = new int[images.channels() * images.height() * images.width()];
            for (Feature pixel : example) { // feature i is pixel i, its value in [0, 1]
                samples[Integer.parseInt(pixel.getName())] = (int) Math.round(pixel.getValue() * 255); // the stored byte
            }
            BufferedImage image = new BufferedImage(images.width(), images.height(), BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setSamples(0, 0, images.width(), images.height(), 0, samples);
            Path classFolder = Files.createDirectories(folder.resolve(example.getOutput().getLabel()));
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

    /** A zip of the folder's files (libs/ included), with fixed timestamps: same folder, same zip bytes. */
    static Path zip(Path folder, Path zip) throws IOException {
        List<Path> files;
        try (Stream<Path> all = Files.walk(folder)) {
            files = all.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Path file : files) {
                ZipEntry entry = new ZipEntry(folder.relativize(file).toString().replace('\\', '/'));
                entry.setLastModifiedTime(FileTime.fromMillis(0));
                z.putNextEntry(entry);
                Files.copy(file, z);
                z.closeEntry();
            }
        }
        return zip;
    }
}
