package io.qsvit.djl;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.BytesSupplier;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.ServingTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.EventRecordings;

import java.nio.file.Path;
import java.util.Map;

/**
 * The translator DJL Serving loads from a model folder's {@code libs/} for qsvit's event-camera classifiers (a
 * model whose input has a time axis), as {@link ImageClassifierServingTranslator} is for image classifiers. A
 * request's body is one recording file's bytes: AEDAT 2.0 / 3.1, tonic's NumPy array or N-MNIST / N-Caltech101
 * binary, told apart by their content ({@link EventRecordings#parse}); it becomes frames as qsvit's event folders
 * make them. The response is the classes with their probabilities as JSON, best first. The frames come from the
 * arguments {@link EventClassifierTranslatorFactory} reads ({@code frames}, {@code height}, {@code width},
 * {@code timeLayout}, {@code framesBy}, {@code sensor}), which DJL Serving passes from serving.properties.
 */
public final class EventClassifierServingTranslator implements ServingTranslator {
    /** How errors name a request's recording, which has no file name. */
    static final Path REQUEST = Path.of("the request's recording");

    private EventClassifierTranslator translator;

    /** For DJL Serving, which then calls {@link #setArguments}. */
    public EventClassifierServingTranslator() {
    }

    /**
     * Takes the frames' number, size and integration from the model's arguments.
     *
     * @throws IllegalArgumentException naming an argument that is missing or malformed
     */
    @Override
    public void setArguments(Map<String, ?> arguments) {
        try {
            translator = new EventClassifierTranslator(EventClassifierTranslatorFactory.integration(arguments),
                    EventClassifierTranslatorFactory.layout(arguments));
        } catch (UserInputException e) {
            throw new IllegalArgumentException("qsvit's event translator: " + e.getMessage(), e);
        }
    }

    @Override
    public Batchifier getBatchifier() {
        return translator().getBatchifier();
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Input input) throws TranslateException {
        BytesSupplier data = input.getData();
        if (data == null) {
            throw new TranslateException("the request holds no recording");
        }
        try {
            return translator().frames(ctx, EventRecordings.parse(data.getAsBytes(), REQUEST), REQUEST);
        } catch (UserInputException e) {
            // a damaged or foreign recording: the reason qsvit's steps give for such a file
            throw new TranslateException(e.getMessage());
        }
    }

    @Override
    public Output processOutput(TranslatorContext ctx, NDList list) {
        return ClassScores.response(list);
    }

    private EventClassifierTranslator translator() {
        if (translator == null) {
            throw new IllegalStateException("setArguments was not called: DJL Serving passes frames, height and width"
                    + " from serving.properties");
        }
        return translator;
    }
}
