package io.qsvit.step;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.qsvit.UserInputException;
import io.qsvit.eval.InputLayout;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.events.FrameIntegration;
import io.qsvit.eval.image.Preprocessing;
import io.qsvit.model.OnnxModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DJL Serving's model folder layout: beside {@code model.onnx}, a {@value #FILE} naming the engine, qsvit's
 * translator and the input the model takes (an image's size and preprocessing, or for a model whose input has a
 * time axis the event frames' number, size and integration), and {@code libs/}{@value TranslatorJar#FILE} holding that translator
 * ({@link TranslatorJar}), so DJL Serving, or DJL's {@code Criteria} for DJL Serving's {@code Input} and
 * {@code Output}, loads the folder as an image classifier with nothing of qsvit on its class path. The
 * translator is named with {@code translator=}: DJL looks a {@code ServingTranslator} up in the folder's
 * {@code libs/}, but a {@code translatorFactory=} only on its own class path. Written with fixed content (no
 * timestamp comment, as {@code Properties.store} would add): same model, same bytes.
 */
public final class DjlServing {
    public static final String FILE = "serving.properties";
    public static final String ENGINE = "OnnxRuntime";
    /** Named as text: the djl adapter sits above the steps; a test checks the names against the classes. */
    public static final String TRANSLATOR = "io.qsvit.djl.ImageClassifierServingTranslator";
    /** For programs that load a folder through DJL's {@code Criteria} with typed inputs and outputs. */
    public static final String TRANSLATOR_FACTORY = "io.qsvit.djl.ImageClassifierTranslatorFactory";
    /** For programs that classify event recordings through DJL's {@code Criteria}. */
    public static final String EVENT_TRANSLATOR_FACTORY = "io.qsvit.djl.EventClassifierTranslatorFactory";
    /** The translator DJL Serving loads for a model whose input has a time axis (event frames). */
    public static final String EVENT_TRANSLATOR = "io.qsvit.djl.EventClassifierServingTranslator";
    /**
     * What {@link TranslatorJar} holds: these and the qsvit classes they use, the same classes as the
     * {@code qsvit-djl} artifact.
     */
    public static final List<String> TRANSLATOR_CLASSES = List.of(TRANSLATOR, TRANSLATOR_FACTORY,
            EVENT_TRANSLATOR_FACTORY, EVENT_TRANSLATOR);
    /** The folder beside {@code model.onnx} where DJL Serving finds the model's own jars. */
    public static final String LIBS = "libs";
    /** DJL's names for an image's channel layout, as its own image translators take them. */
    public static final String GRAYSCALE = "GRAYSCALE";
    public static final String COLOR = "COLOR";

    private DjlServing() {
    }

    /**
     * The {@value #FILE} of a model: for a rank-5 input (a time axis) the event translator with the frames the
     * model takes, made from recordings as {@code events} says; else the image translator with the image size and
     * {@code images}' preprocessing. Checked against the model here, before anything is written.
     */
    public static String properties(OnnxModel model, Preprocessing images, EventOptions events) {
        ValueInfoProto input = dataInput(model);
        return input.getType().getTensorType().getShape().getDimCount() == InputLayout.TIME_RANK
                ? eventProperties(model, input, images, events) : imageProperties(imageShape(model, input, images.layout()), images);
    }

    /** The metadata parameters of what {@link #properties} serves ({@code serving_events} for event models). */
    public static Map<String, Object> parameters(OnnxModel model, Preprocessing images, EventOptions events) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (dataInput(model).getType().getTensorType().getShape().getDimCount() == InputLayout.TIME_RANK) {
            p.put("serving_events", events.parameters());
        } else if (!images.isIdentity()) {
            p.put("serving_preprocessing", images.parameters());
        }
        return p;
    }

    /** Writes {@code properties} as {@value #FILE} and {@code libs/}{@value TranslatorJar#FILE} into a model folder. */
    public static void write(Path folder, String properties) throws IOException {
        Files.writeString(folder.resolve(FILE), properties);
        Path libs = Files.createDirectories(folder.resolve(LIBS));
        Files.write(libs.resolve(TranslatorJar.FILE), TranslatorJar.bytes());
    }

    private static ImageShape imageShape(OnnxModel model, ValueInfoProto input, Preprocessing.Layout layout) {
        TensorShapeProto shape = input.getType().getTensorType().getShape();
        boolean fixed = input.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE
                && shape.getDimCount() == 4;
        for (int i = 1; fixed && i < 4; i++) {
            fixed = shape.getDim(i).hasDimValue() && shape.getDim(i).getDimValue() > 0;
        }
        if (!fixed) {
            throw new UserInputException("--djl-serving needs a float image input [batch, channels, height, width] "
                    + "with channels, height and width fixed, or event frames [batch, T, 2, height, width]; "
                    + model.file() + " input '" + input.getName() + "' is " + describe(input));
        }
        boolean hwc = layout == Preprocessing.Layout.HWC;
        int channels = (int) shape.getDim(hwc ? 3 : 1).getDimValue();
        if (channels != 1 && channels != 3) {
            throw new UserInputException("--djl-serving serves grey (1 channel) or RGB (3 channel) images; "
                    + model.file() + " input '" + input.getName() + "' has " + channels + " channels");
        }
        return new ImageShape(channels, (int) shape.getDim(hwc ? 1 : 2).getDimValue(),
                (int) shape.getDim(hwc ? 2 : 3).getDimValue());
    }

    /**
     * The image translator's lines, with the image preprocessing it applies; the {@code none} preset adds no lines
     * (the file stays what it was before preprocessing existed). The served translator decodes a request's file
     * itself, so EXIF handling is written too.
     */
    public static String imageProperties(ImageShape shape, Preprocessing preprocessing) {
        String properties = "# DJL Serving model folder: DJL's OnnxRuntime engine runs model.onnx; qsvit's translator,\n"
                + "# from libs/" + TranslatorJar.FILE + ", turns an image into the model's input and its scores into classifications\n"
                + "engine=" + ENGINE + "\n"
                + "translator=" + TRANSLATOR + "\n"
                + "width=" + shape.width() + "\n"
                + "height=" + shape.height() + "\n"
                + "flag=" + (shape.channels() == 1 ? GRAYSCALE : COLOR) + "\n";
        if (!preprocessing.isIdentity()) {
            properties += "# image preprocessing, as qsvit evaluated the model\n"
                    + "preset=" + preprocessing.preset() + "\n"
                    + "resize=" + (preprocessing.resize() == null ? 0 : preprocessing.resize()) + "\n"
                    + "crop=" + (preprocessing.crop() == null ? 0 : preprocessing.crop()) + "\n"
                    + "channelOrder=" + preprocessing.parameters().get("channel_order") + "\n"
                    + "divideBy=" + preprocessing.divideBy() + "\n"
                    + "mean=" + join(preprocessing.mean()) + "\n"
                    + "std=" + join(preprocessing.std()) + "\n"
                    + "layout=" + preprocessing.parameters().get("layout") + "\n"
                    + "exif=" + preprocessing.parameters().get("exif") + "\n";
        }
        return properties;
    }

    /**
     * The event translator's lines: frames [T, 2, H, W] as the model takes them (T from the input or, where it is
     * symbolic, {@code --frames}), placed in the input's time layout, integrated as {@code events} says.
     */
    private static String eventProperties(OnnxModel model, ValueInfoProto input, Preprocessing images,
                                          EventOptions events) {
        if (!images.isIdentity()) {
            throw new UserInputException("image preprocessing options do not apply to " + model.file()
                    + ", whose input '" + input.getName() + "' is event frames " + describe(input));
        }
        long[] shape = input.getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
        InputLayout layout = InputLayout.of(shape, events.timeLayout(), model.file());
        SampleShape sample = layout.sampleShape(shape, events.frames());
        if (input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE || sample == null) {
            throw new UserInputException("--djl-serving needs a float event input with frames, height and width "
                    + "fixed (a symbolic time axis takes --frames); " + model.file() + " input '" + input.getName()
                    + "' is " + describe(input));
        }
        FrameIntegration frames = events.integration(sample, model.file().toString());
        return "# DJL Serving model folder: DJL's OnnxRuntime engine runs model.onnx; qsvit's translator,\n"
                + "# from libs/" + TranslatorJar.FILE + ", turns an event recording (AEDAT, N-MNIST binary or NumPy)"
                + " into the model's frames and its scores into classifications\n"
                + "engine=" + ENGINE + "\n"
                + "translator=" + EVENT_TRANSLATOR + "\n"
                + "frames=" + frames.frames() + "\n"
                + "height=" + frames.height() + "\n"
                + "width=" + frames.width() + "\n"
                + "timeLayout=" + layout.name() + "\n"
                + "framesBy=" + frames.splitBy() + "\n"
                + "sensor=" + frames.sensorWidth() + "x" + frames.sensorHeight() + "\n";
    }

    private static ValueInfoProto dataInput(OnnxModel model) {
        GraphProto graph = model.proto().getGraph();
        List<String> initializers = graph.getInitializerList().stream().map(TensorProto::getName).toList();
        return graph.getInputList().stream().filter(i -> !initializers.contains(i.getName()))
                .findFirst().orElseThrow(() -> new UserInputException(model.file() + " has no data input"));
    }

    private static String join(List<Double> values) {
        StringBuilder s = new StringBuilder();
        for (Double v : values) {
            s.append(s.isEmpty() ? "" : ",").append(v);
        }
        return s.toString();
    }

    private static String describe(ValueInfoProto input) {
        StringBuilder s = new StringBuilder(TensorProto.DataType.forNumber(input.getType().getTensorType().getElemType())
                + " [");
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        for (int i = 0; i < dims.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(dims.get(i).hasDimValue() ? Long.toString(dims.get(i).getDimValue())
                    : dims.get(i).getDimParam().isEmpty() ? "?" : dims.get(i).getDimParam());
        }
        return s.append(']').toString();
    }
}
