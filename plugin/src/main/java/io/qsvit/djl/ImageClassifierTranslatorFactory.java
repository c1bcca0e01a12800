package io.qsvit.djl;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.Image.Flag;
import ai.djl.modality.cv.translator.BaseImageTranslatorFactory;
import ai.djl.translate.Translator;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.ImageShape;
import io.qsvit.eval.image.Preprocessing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.qsvit.djl.TranslatorArguments.positive;
import static io.qsvit.djl.TranslatorArguments.text;

/**
 * Makes {@link ImageClassifierTranslator}s the way DJL makes its own image translators: from the arguments
 * {@code width}, {@code height} and {@code flag} (GRAYSCALE or COLOR), plus qsvit's image preprocessing
 * ({@link #preprocessing}), which a DJL Serving folder's
 * serving.properties gives ({@code apply --djl-serving} writes them) or {@code Criteria.optArgument} sets.
 * As a DJL image translator factory it also takes a Path, URL, String or InputStream of an image, and DJL
 * Serving's Input/Output.
 */
public final class ImageClassifierTranslatorFactory extends BaseImageTranslatorFactory<Classifications> {

    @Override
    protected Translator<Image, Classifications> buildBaseTranslator(Model model, Map<String, ?> arguments) {
        return new ImageClassifierTranslator(shape(arguments), preprocessing(arguments));
    }

    /**
     * The image preprocessing the arguments give (serving.properties as {@code apply --djl-serving} writes it,
     * or Criteria.optArgument): preset, resize, crop, channelOrder, divideBy, mean, std, layout, exif; absent ones keep
     * the preset's, and no preset is {@code none}.
     */
    static Preprocessing preprocessing(Map<String, ?> arguments) {
        try {
            return Preprocessing.of(text(arguments, "preset"), number(arguments, "resize"), number(arguments, "crop"),
                    text(arguments, "channelOrder"), arguments.get("divideBy") == null ? null
                            : Double.valueOf(arguments.get("divideBy").toString().strip()),
                    text(arguments, "mean"), text(arguments, "std"), text(arguments, "layout"),
                    text(arguments, "exif"));
        } catch (UserInputException | NumberFormatException e) {
            throw new IllegalArgumentException("qsvit's translator: " + e.getMessage());
        }
    }

    private static Integer number(Map<String, ?> arguments, String key) {
        Object value = arguments.get(key);
        return value == null ? null : Integer.valueOf(value.toString().strip());
    }

    @Override
    public Class<Classifications> getBaseOutputType() {
        return Classifications.class;
    }

    static ImageShape shape(Map<String, ?> arguments) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of("width", "height", "flag")) {
            if (arguments.get(key) == null) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("qsvit's translator needs the arguments width, height and flag "
                    + "(GRAYSCALE or COLOR), in serving.properties or Criteria.optArgument; missing: "
                    + String.join(", ", missing));
        }
        String flag = arguments.get("flag").toString();
        if (!flag.equals(Flag.GRAYSCALE.name()) && !flag.equals(Flag.COLOR.name())) {
            throw new IllegalArgumentException("argument flag is '" + flag + "'; GRAYSCALE or COLOR is expected");
        }
        return new ImageShape(flag.equals(Flag.GRAYSCALE.name()) ? 1 : 3, positive(arguments, "height"),
                positive(arguments, "width"));
    }
}
