package io.qsvit;

import java.nio.file.Path;

/** Paths of the bundled examples, as the build passes them to the tests. */
public final class Examples {
    private Examples() {
    }

    public static Path root() {
        return Path.of(System.getProperty("qsvit.examples", "../examples")).toAbsolutePath().normalize();
    }

    public static Path subset() {
        return root().resolve("data/fashion-mnist-2000");
    }

    /** The bundled simulated DVS recordings of the event reference model: 20 test recordings per class. */
    public static Path eventSubset() {
        return root().resolve("data/fashion-mnist-dvs-200");
    }

    public static Path model(String name) {
        return root().resolve("models").resolve(name).resolve("model.onnx");
    }

    /** Debian's dataset-fashion-mnist package; CI installs it, a developer machine may not have it. */
    public static final Path FULL_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
}
