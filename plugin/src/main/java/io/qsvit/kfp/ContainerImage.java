package io.qsvit.kfp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The image that runs the components and its entrypoint. Both come from one build property each (the parent
 * pom), filtered into a resource here, into the Jib configuration, and checked against container/Dockerfile.
 */
public record ContainerImage(String image, List<String> entrypoint) {
    private static final String RESOURCE = "/io/qsvit/kfp/container.properties";

    public static ContainerImage fromBuild() {
        Properties properties = new Properties();
        try (InputStream in = ContainerImage.class.getResourceAsStream(RESOURCE)) {
            properties.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("container resource " + RESOURCE + " missing from the build", e);
        }
        return new ContainerImage(properties.getProperty("image"), List.of(properties.getProperty("entrypoint")));
    }

    public ContainerImage withImage(String other) {
        return new ContainerImage(other, entrypoint);
    }
}
