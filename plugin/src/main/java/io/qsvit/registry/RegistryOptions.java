package io.qsvit.registry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to reach registries (flags first, then the environment: {@value #INSECURE_VARIABLE}, {@value #CA_VARIABLE}): hosts allowed without verified TLS, the certificate authorities to trust, and where
 * credentials come from. Credentials are looked up in this order: {@code username}/{@code password} given here
 * (command-line flags), then the environment ({@value #USERNAME_VARIABLE}, {@value #PASSWORD_VARIABLE}), then the
 * Docker configuration file ({@code REGISTRY_AUTH_FILE}, else {@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}; also Podman's {@code $XDG_RUNTIME_DIR/containers/auth.json}), including its
 * credential helpers. A password is never printed, logged or written into an artifact.
 *
 * @param insecureHosts hosts (with port) reached over plain HTTP, or TLS without verification, like
 *                      {@code --insecure-registry} of container tools
 * @param caFile        PEM certificates trusted for TLS instead of the Java runtime's defaults; null: the defaults
 * @param authFiles     Docker-style configuration files to read credentials from, first match wins
 */
public record RegistryOptions(Set<String> insecureHosts, Path caFile, String username, String password,
                              List<Path> authFiles) {
    public static final String USERNAME_VARIABLE = "QSVIT_REGISTRY_USERNAME";
    public static final String PASSWORD_VARIABLE = "QSVIT_REGISTRY_PASSWORD";
    /** Hosts to treat as {@code --insecure-registry}, separated by commas or spaces (for containers, where flags are fixed). */
    public static final String INSECURE_VARIABLE = "QSVIT_INSECURE_REGISTRIES";
    /** A PEM file of certificate authorities, as {@code --registry-ca}. */
    public static final String CA_VARIABLE = "QSVIT_REGISTRY_CA";

    public RegistryOptions {
        TreeSet<String> hosts = new TreeSet<>();
        insecureHosts.forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        insecureHosts = Set.copyOf(hosts);
        authFiles = List.copyOf(authFiles);
    }

    /**
     * Options from flags (any of which may be null) completed from the environment: explicit credentials
     * first, then {@value #USERNAME_VARIABLE}/{@value #PASSWORD_VARIABLE}, then the Docker configuration files.
     */
    public static RegistryOptions of(Set<String> insecureHosts, Path caFile, String username, String password,
                                     Map<String, String> environment, String home) {
        String user = username != null ? username : environment.get(USERNAME_VARIABLE);
        String pass = password != null ? password : environment.get(PASSWORD_VARIABLE);
        Set<String> insecure = new TreeSet<>(insecureHosts);
        String listed = environment.get(INSECURE_VARIABLE);
        if (listed != null) {
            for (String host : listed.split("[,\\s]+")) {
                if (!host.isBlank()) {
                    insecure.add(host);
                }
            }
        }
        String ca = environment.get(CA_VARIABLE);
        Path trusted = caFile != null ? caFile : ca != null && !ca.isBlank() ? Path.of(ca) : null;
        return new RegistryOptions(insecure, trusted, user, pass, authFiles(environment, home));
    }

    /** Options with nothing set: verified TLS, credentials from the default Docker configuration only. */
    public static RegistryOptions defaults() {
        return of(Set.of(), null, null, null, System.getenv(), System.getProperty("user.home"));
    }

    boolean insecure(String host) {
        return insecureHosts.contains(host.toLowerCase(Locale.ROOT));
    }

    boolean hasCredentials() {
        return username != null && password != null;
    }

    static List<Path> authFiles(Map<String, String> environment, String home) {
        String registryAuthFile = environment.get("REGISTRY_AUTH_FILE");
        if (registryAuthFile != null && !registryAuthFile.isBlank()) {
            return List.of(Path.of(registryAuthFile));
        }
        List<Path> files = new ArrayList<>();
        String dockerConfig = environment.get("DOCKER_CONFIG");
        files.add(dockerConfig != null && !dockerConfig.isBlank() ? Path.of(dockerConfig, "config.json")
                : Path.of(home, ".docker", "config.json"));
        String runtime = environment.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            files.add(Path.of(runtime, "containers", "auth.json"));
        }
        return files;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "RegistryOptions[insecureHosts=" + insecureHosts + ", caFile=" + caFile + ", username=" + username
                + ", password=" + (password == null ? "none" : "(hidden)") + ", authFiles=" + authFiles + "]";
    }
}
