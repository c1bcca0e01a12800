package io.qsvit.djl;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.BytesSupplier;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.ServingTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;

import java.util.Map;

/**
 * The translator DJL Serving loads from a model folder's {@code libs/} for qsvit's image classifiers. A folder
 * {@code apply --djl-serving} writes names it in serving.properties ({@code translator=}, which DJL Serving
 * looks up in {@code libs/}, unlike {@code translatorFactory=}, which it looks up only on its own class path)
 * and carries it in {@code libs/qsvit-djl.jar}. A request's body is one image file (JPEG, PNG, BMP, GIF, TIFF,
 * WebP); the response is the classes with their probabilities as JSON, best first. The file is decoded and
 * preprocessed by qsvit's image-folder reader itself, not by DJL's image factory (which colour-manages JPEGs with
 * an ICC profile and drops EXIF): a served file gets the sample {@code evaluate} makes of it, EXIF orientation
 * included where the preprocessing applies it. The image size comes from the arguments {@code width},
 * {@code height} and {@code flag}, and the preprocessing from {@code preset}, {@code resize}, {@code crop} and the
 * others {@link ImageClassifierTranslatorFactory} reads, all of which DJL Serving passes from serving.properties.
 */
public final class ImageClassifierServingTranslator implements ServingTranslator {
    private ImageClassifierTranslator translator;

    /** For DJL Serving, which then calls {@link #setArguments}. */
    public ImageClassifierServingTranslator() {
    }

    /**
     * Takes the image size and preprocessing from the model's arguments.
     *
     * @param arguments {@code width}, {@code height} and {@code flag} (GRAYSCALE or COLOR), and the preprocessing,
     *                  as serving.properties gives them
     * @throws IllegalArgumentException naming an argument that is missing or malformed
     */
    @Override
    public void setArguments(Map<String, ?> arguments) {
        translator = new ImageClassifierTranslator(ImageClassifierTranslatorFactory.shape(arguments),
                ImageClassifierTranslatorFactory.preprocessing(arguments));
    }

    @Override
    public Batchifier getBatchifier() {
        return translator().getBatchifier();
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Input input) throws TranslateException {
        BytesSupplier data = input.getData();
        if (data == null) {
            throw new TranslateException("the request holds no image");
        }
        return translator().processInput(ctx, data.getAsBytes(), "the request's image");
    }

    @Override
    public Output processOutput(TranslatorContext ctx, NDList list) {
        return ClassScores.response(list);
    }

    private ImageClassifierTranslator translator() {
        if (translator == null) {
            throw new IllegalStateException("setArguments was not called: DJL Serving passes width, height and flag "
                    + "from serving.properties");
        }
        return translator;
    }
}
