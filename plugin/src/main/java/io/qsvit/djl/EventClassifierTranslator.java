package io.qsvit.djl;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.EventRecordings;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.eval.events.EventStream;
import io.qsvit.eval.events.FrameIntegration;

import java.nio.file.Path;

/**
 * Classifies event-camera recordings with a qsvit model whose input has a time axis, under DJL: each input is a
 * recording file (N-MNIST / N-Caltech101 {@code .bin}, AEDAT 2.0 / 3.1 {@code .aedat}, tonic {@code .npy}), read
 * and integrated into frames [T, 2, height, width] exactly as qsvit's event folders are, and batched as the model
 * wants them: [N, T, 2, H, W], or [T, N, 2, H, W] for time-major models. Classes are named "0" to "K-1".
 */
public final class EventClassifierTranslator implements Translator<Path, Classifications> {
    private final FrameIntegration integration;
    private final HostStackBatchifier batchifier;

    /**
     * Frames as {@code integration} makes them, placed as {@code layout} says.
     *
     * @param integration how a recording becomes frames: their number, size, sensor size and event split
     * @param layout      the model's time layout, ntchw or tnchw (not auto: the translator does not see the model)
     */
    public EventClassifierTranslator(FrameIntegration integration, TimeLayout layout) {
        if (layout == TimeLayout.AUTO) {
            throw new IllegalArgumentException("qsvit's event translator needs the model's layout: ntchw or tnchw");
        }
        this.integration = integration;
        this.batchifier = new HostStackBatchifier(layout == TimeLayout.TNCHW ? 1 : 0);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Path input) throws TranslateException {
        try {
            return frames(ctx, EventRecordings.read(input), input);
        } catch (UserInputException e) {
            // a damaged or foreign recording: the same one-line reason qsvit's steps give
            throw new TranslateException(e.getMessage());
        }
    }

    /** The recording's frames [T, 2, H, W] as qsvit's event folders make them. */
    NDList frames(TranslatorContext ctx, EventStream events, Object source) {
        if (events.size() == 0) {
            throw new UserInputException(source + " holds no events");
        }
        float[] frames = new float[integration.sampleSize()];
        integration.integrate(events, frames);
        return new NDList(ctx.getNDManager().create(frames,
                new Shape(integration.frames(), 2, integration.height(), integration.width())));
    }

    @Override
    public Batchifier getBatchifier() {
        return batchifier;
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        return ClassScores.classify(list.get(0).toFloatArray());
    }
}
