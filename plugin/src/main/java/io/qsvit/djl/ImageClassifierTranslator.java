package io.qsvit.djl;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.data.SampleShape;
import io.qsvit.eval.image.ImagePipeline;
import io.qsvit.eval.image.Preprocessing;

import java.awt.image.BufferedImage;

/**
 * Classifies images with a qsvit image classifier (an ONNX model taking float pixels [batch, channels,
 * height, width], or channels-last, and giving class scores) under DJL. The pixels are made exactly as qsvit's
 * image-folder reader makes them, by the same image pipeline and preprocessing (resize, crop,
 * mean/std, ...), so a model served by DJL and {@code qsvit evaluate} predict the same class for the same image. The work is done on Java arrays: DJL's OnnxRuntime engine runs models
 * but has no array operators of its own (it borrows another engine's, which would download native code).
 * Classes are named by their index, "0" to "K-1", as qsvit names the classes of unnamed data.
 */
public final class ImageClassifierTranslator implements Translator<Image, Classifications> {
    private static final Batchifier BATCHIFIER = new HostStackBatchifier();

    private final ImagePipeline pipeline;

    /**
     * A translator for images of one size, in [0, 1] (the {@code none} preset).
     *
     * @param shape the model's image: channels (1 grey, 3 RGB), height and width
     */
    public ImageClassifierTranslator(ImageShape shape) {
        this(shape, Preprocessing.NONE);
    }

    /**
     * Images preprocessed as {@code preprocessing} says, for a model taking [channels, height, width] {@code shape}.
     *
     * @param shape         the model's image: channels (1 grey, 3 RGB), height and width
     * @param preprocessing decoding, resizing, cropping and normalization, as the evaluate step does them
     */
    ImageClassifierTranslator(ImageShape shape, Preprocessing preprocessing) { // through the factory's arguments
        this.pipeline = new ImagePipeline(preprocessing, preprocessing.layout() == Preprocessing.Layout.HWC
                ? SampleShape.of(shape.height(), shape.width(), shape.channels()) : shape.sample());
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) throws TranslateException {
        if (!(input.getWrappedImage() instanceof BufferedImage image)) {
            throw new TranslateException("qsvit's translator reads the images of DJL's default BufferedImageFactory, "
                    + "not " + input.getWrappedImage().getClass().getName());
        }
        float[] pixels = new float[pipeline.shape().size()];
        try {
            pipeline.apply(image, "image", pixels);
        } catch (UserInputException e) {
            // e.g. an image of another size where the preprocessing does not resize: serving predicts as qsvit evaluates
            throw new TranslateException(e.getMessage());
        }
        return sample(ctx, pixels);
    }

    /**
     * An image file's bytes (a served request's body) decoded and preprocessed by qsvit's image-folder reader
     * itself: the same decoder (libjpeg-turbo where the system has it, no colour management) and EXIF handling,
     * so a served file gets exactly the sample {@code evaluate} makes of it.
     */
    NDList processInput(TranslatorContext ctx, byte[] file, String name) throws TranslateException {
        float[] pixels = new float[pipeline.shape().size()];
        try {
            pipeline.apply(file, name, pixels);
        } catch (UserInputException e) {
            throw new TranslateException(e.getMessage());
        }
        return sample(ctx, pixels);
    }

    private NDList sample(TranslatorContext ctx, float[] pixels) {
        int[] dims = pipeline.shape().dims();
        return new NDList(ctx.getNDManager().create(pixels, new Shape(dims[0], dims[1], dims[2])));
    }

    @Override
    public Batchifier getBatchifier() {
        return BATCHIFIER;
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        return ClassScores.classify(list.get(0).toFloatArray());
    }
}
