package io.qsvit.cli;

import io.qsvit.UserInputException;
import io.qsvit.registry.RegistryOptions;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * How every command reaches OCI registries (options of the root command, inherited by all): hosts allowed
 * without verified TLS, a CA file to trust, and credentials. The password is read from standard input, never
 * from the command line, where other users of the machine could see it.
 */
final class RegistryFlags {
    @Option(names = "--insecure-registry", scope = ScopeType.INHERIT, paramLabel = "HOST[:PORT]",
            description = "Reach this registry over plain HTTP, or TLS without verifying its certificate (repeatable).")
    List<String> insecureHosts = new ArrayList<>();

    @Option(names = "--registry-ca", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Trust the certificate authorities in this PEM file for registry TLS (instead of Java's defaults).")
    Path caFile;

    @Option(names = "--registry-username", scope = ScopeType.INHERIT, paramLabel = "USER",
            description = "Registry user name (default: $" + RegistryOptions.USERNAME_VARIABLE
                    + ", else the Docker configuration file).")
    String username;

    @Option(names = "--registry-password-stdin", scope = ScopeType.INHERIT,
            description = "Read the registry password from the first line of standard input (default: $"
                    + RegistryOptions.PASSWORD_VARIABLE + ").")
    boolean passwordStdin;

    private RegistryOptions resolved;

    /** The options, read once (standard input can be read only once). */
    RegistryOptions options() {
        if (resolved == null) {
            String password = passwordStdin ? readPassword() : null;
            if (username != null && password == null && System.getenv(RegistryOptions.PASSWORD_VARIABLE) == null) {
                throw new UserInputException("--registry-username needs a password: --registry-password-stdin or $"
                        + RegistryOptions.PASSWORD_VARIABLE);
            }
            resolved = RegistryOptions.of(new HashSet<>(insecureHosts), caFile, username, password, System.getenv(),
                    System.getProperty("user.home"));
        }
        return resolved;
    }

    private static String readPassword() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new UserInputException("--registry-password-stdin: standard input holds no password");
            }
            return line.strip();
        } catch (IOException e) {
            throw new UserInputException("--registry-password-stdin: cannot read standard input: " + e.getMessage());
        }
    }
}
