package io.qsvit.djl;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.qsvit.eval.data.ImagePixels;
import io.qsvit.eval.data.ImageShape;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies images with a qsvit image classifier (an ONNX model taking float pixels [batch, channels,
 * height, width] in [0, 1] and giving class scores) under DJL. The pixels are made exactly as qsvit's image-folder
 * reader makes them ({@link ImagePixels}), so a model served by DJL and {@code qsvit evaluate} predict the
 * same class for the same image file. The work is done on Java arrays: DJL's OnnxRuntime engine runs models
 * but has no array operators of its own (it borrows another engine's, which would download native code).
 * Classes are named by their index, "0" to "K-1", as qsvit names the classes of unnamed data.
 */
public final class ImageClassifierTranslator implements Translator<Image, Classifications> {
    private static final Batchifier BATCHIFIER = new HostStackBatchifier();

    private final ImageShape shape;

    /**
     * A translator for images of one size.
     *
     * @param shape the model's image: channels (1 grey, 3 RGB), height and width
     */
    public ImageClassifierTranslator(ImageShape shape) {
        this.shape = shape;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) throws TranslateException {
        if (!(input.getWrappedImage() instanceof BufferedImage image)) {
            throw new TranslateException("qsvit's translator reads the images of DJL's default BufferedImageFactory, "
                    + "not " + input.getWrappedImage().getClass().getName());
        }
        if (image.getHeight() != shape.height() || image.getWidth() != shape.width()) {
            // no resizing: qsvit evaluates images at the model's size, and serving must predict as it does
            throw new TranslateException("image is " + image.getHeight() + "x" + image.getWidth()
                    + " (height x width) but the model takes " + shape.height() + "x" + shape.width());
        }
        float[] pixels = new float[shape.size()];
        ImagePixels.copy(image, shape.channels(), pixels, 0);
        return new NDList(ctx.getNDManager().create(pixels, new Shape(shape.channels(), shape.height(), shape.width())));
    }

    @Override
    public Batchifier getBatchifier() {
        return BATCHIFIER;
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        float[] scores = list.get(0).toFloatArray();
        // softmax in double on the host: monotone, so the best class is the arg-max of the scores
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (float s : scores) {
            sum += Math.exp(s - max);
        }
        List<String> names = new ArrayList<>(scores.length);
        List<Double> probabilities = new ArrayList<>(scores.length);
        for (int c = 0; c < scores.length; c++) {
            names.add(Integer.toString(c));
            probabilities.add(Math.exp(scores[c] - max) / sum);
        }
        return new Classifications(names, probabilities);
    }
}
