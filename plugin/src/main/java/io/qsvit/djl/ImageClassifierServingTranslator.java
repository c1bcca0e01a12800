package io.qsvit.djl;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.modality.cv.translator.ImageServingTranslator;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.ServingTranslator;
import ai.djl.translate.TranslatorContext;

import java.util.Map;

/**
 * The translator DJL Serving loads from a model folder's {@code libs/} for qsvit's image classifiers. A folder
 * {@code apply --djl-serving} writes names it in serving.properties ({@code translator=}, which DJL Serving
 * looks up in {@code libs/}, unlike {@code translatorFactory=}, which it looks up only on its own class path)
 * and carries it in {@code libs/qsvit-djl.jar}. A request holds one image file (any format Java's ImageIO
 * reads); the response is the classes with their probabilities as JSON, best first. The image size comes from
 * the arguments {@code width}, {@code height} and {@code flag}, and the image preprocessing from {@code preset},
 * {@code resize}, {@code crop} and the others {@link ImageClassifierTranslatorFactory} reads, all of which DJL Serving
 * passes from serving.properties; pixels are made as {@link ImageClassifierTranslator} makes them.
 */
public final class ImageClassifierServingTranslator implements ServingTranslator {
    private ImageServingTranslator translator;

    /** For DJL Serving, which then calls {@link #setArguments}. */
    public ImageClassifierServingTranslator() {
    }

    /**
     * Takes the image size from the model's arguments.
     *
     * @param arguments {@code width}, {@code height} and {@code flag} (GRAYSCALE or COLOR), as serving.properties
     *                  gives them
     * @throws IllegalArgumentException naming an argument that is missing or malformed
     */
    @Override
    public void setArguments(Map<String, ?> arguments) {
        translator = new ImageServingTranslator(new ImageClassifierTranslator(
                ImageClassifierTranslatorFactory.shape(arguments), ImageClassifierTranslatorFactory.preprocessing(arguments)));
    }

    @Override
    public Batchifier getBatchifier() {
        return translator().getBatchifier();
    }

    @Override
    public void prepare(TranslatorContext ctx) throws Exception {
        translator().prepare(ctx);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Input input) throws Exception {
        return translator().processInput(ctx, input);
    }

    @Override
    public Output processOutput(TranslatorContext ctx, NDList list) throws Exception {
        return translator().processOutput(ctx, list);
    }

    private ImageServingTranslator translator() {
        if (translator == null) {
            throw new IllegalStateException("setArguments was not called: DJL Serving passes width, height and flag "
                    + "from serving.properties");
        }
        return translator;
    }
}
