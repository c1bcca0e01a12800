package io.qsvit.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The qsvit version, filtered into a resource at build time. */
public final class ToolVersion {
    private ToolVersion() {
    }

    public static String get() {
        Properties properties = new Properties();
        try (InputStream in = ToolVersion.class.getResourceAsStream("/io/qsvit/version.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("version resource missing from the build", e);
        }
        return properties.getProperty("version");
    }
}
