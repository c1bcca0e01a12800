package io.qsvit.djl;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import io.qsvit.UserInputException;
import io.qsvit.eval.data.EventOptions;
import io.qsvit.eval.data.TimeLayout;
import io.qsvit.eval.events.FrameIntegration;
import io.qsvit.eval.events.SplitBy;

import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.qsvit.djl.TranslatorArguments.positive;
import static io.qsvit.djl.TranslatorArguments.text;

/**
 * Makes {@link EventClassifierTranslator}s (recording file -> classifications) from DJL arguments, as
 * {@code Criteria.optArgument} or a model folder's serving.properties give them: {@code frames}, {@code height}
 * and {@code width} of the model's frames (required), {@code timeLayout} (ntchw, the default, or tnchw),
 * {@code framesBy} (number, the default, or time) and {@code sensor} (WIDTHxHEIGHT of the recordings, default the
 * frame size) with the meanings of qsvit's options of the same names.
 */
public final class EventClassifierTranslatorFactory implements TranslatorFactory {
    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(Path.class, Classifications.class));
    }

    @Override
    @SuppressWarnings("unchecked") // the one supported pair, checked first
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new IllegalArgumentException("qsvit's event translator maps Path to Classifications, not "
                    + input.getName() + " to " + output.getName());
        }
        try {
            return (Translator<I, O>) new EventClassifierTranslator(integration(arguments), layout(arguments));
        } catch (UserInputException | IllegalArgumentException e) {
            throw new TranslateException("qsvit's event translator: " + e.getMessage());
        }
    }

    static FrameIntegration integration(Map<String, ?> arguments) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of("frames", "height", "width")) {
            if (arguments.get(key) == null) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new UserInputException("the arguments frames, height and width are needed (serving.properties or"
                    + " Criteria.optArgument); missing: " + String.join(", ", missing));
        }
        int width = positive(arguments, "width");
        int height = positive(arguments, "height");
        int[] sensor = EventOptions.parseSensor(text(arguments, "sensor"));
        Object framesBy = arguments.get("framesBy");
        return new FrameIntegration(positive(arguments, "frames"),
                framesBy == null ? SplitBy.NUMBER : SplitBy.parse(framesBy.toString().strip()),
                sensor[0] == 0 ? width : sensor[0], sensor[1] == 0 ? height : sensor[1], width, height);
    }

    static TimeLayout layout(Map<String, ?> arguments) {
        String text = text(arguments, "timeLayout");
        TimeLayout layout = text == null ? TimeLayout.NTCHW : TimeLayout.parse(text.strip());
        return layout == TimeLayout.AUTO ? TimeLayout.NTCHW : layout;
    }
}
