package io.qsvit.djlserving;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

import java.io.Reader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a model folder and answers requests the way DJL Serving does, in a JVM whose class path holds DJL's api,
 * its OnnxRuntime engine and their dependencies, and this class: nothing of qsvit. Run by
 * {@code DjlServingFolderTest}; uses DJL and the JDK only.
 * <p>
 * What it mirrors (djl-serving's wlm ModelInfo and the serving's ModelManager and RequestParser): the folder's
 * serving.properties names the engine ({@code engine}); its {@code option.*} keys become the Criteria's options
 * and every other key an argument; the model loads through {@code Criteria<Input, Output>} with the folder's
 * file URL, that engine, those arguments and options, and no translator of the caller's, while the thread's
 * context class loader is an empty URL class loader over the system one (DJL Serving's MutableClassLoader with
 * no {@code deps/} jars). DJL then finds the translator serving.properties names in the folder's {@code libs/}.
 * A request is an {@code Input} with the body's bytes as {@code data} and the Content-Type header as a property.
 * <p>
 * Prints {@code translator <class> <where it was loaded from>}, then per request file (an image or an event
 * recording) {@code <file> <best class>}. Arguments: the model folder, then a file listing one path per line.
 */
public final class ServingLoad {
    private static final Pattern CLASS_NAME = Pattern.compile("\"className\"\\s*:\\s*\"([^\"]*)\"");

    private ServingLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        List<String> images = Files.readAllLines(Path.of(args[1]));
        if (ClassLoader.getSystemClassLoader().getResource("io/qsvit/djl/ImageClassifierServingTranslator.class") != null) {
            throw new IllegalStateException("qsvit's translator is on the class path: the check would prove nothing");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(folder.resolve("serving.properties"))) {
            properties.load(reader);
        }
        String engine = properties.getProperty("engine");
        Map<String, Object> arguments = new TreeMap<>();
        Map<String, String> options = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("option.")) {
                options.put(key.substring("option.".length()), properties.getProperty(key));
            } else {
                arguments.put(key, properties.getProperty(key));
            }
        }
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0], ClassLoader.getSystemClassLoader()));
        Criteria<Input, Output> criteria = Criteria.builder().setTypes(Input.class, Output.class)
                .optModelUrls(folder.toUri().toURL().toString()).optEngine(engine)
                .optArguments(arguments).optOptions(options).build();
        try (ZooModel<Input, Output> model = criteria.loadModel(); Predictor<Input, Output> predictor = model.newPredictor()) {
            Class<?> translator = model.getTranslator().getClass();
            System.out.println("translator " + translator.getName() + " "
                    + Path.of(translator.getProtectionDomain().getCodeSource().getLocation().toURI()));
            for (String image : images) {
                Input request = new Input();
                request.addProperty("Content-Type", image.endsWith(".png") ? "image/png" : "application/octet-stream");
                request.add("data", Files.readAllBytes(Path.of(image)));
                Output response = predictor.predict(request);
                if (response.getCode() != 200) {
                    throw new IllegalStateException(image + ": " + response.getCode() + " " + response.getMessage());
                }
                Matcher best = CLASS_NAME.matcher(response.getData().getAsString());
                if (!best.find()) {
                    throw new IllegalStateException(image + ": no className in " + response.getData().getAsString());
                }
                System.out.println(image + " " + best.group(1));
            }
        }
    }
}
