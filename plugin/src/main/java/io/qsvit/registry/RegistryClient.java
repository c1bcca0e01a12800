package io.qsvit.registry;

import io.qsvit.UserInputException;
import land.oras.ContainerRef;
import land.oras.Descriptor;
import land.oras.Manifest;
import land.oras.Registry;
import land.oras.auth.AuthStore;
import land.oras.auth.AuthStoreAuthenticationProvider;
import land.oras.exception.OrasException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * The registry operations qsvit needs, over ORAS's {@link Registry}: resolve a reference to its manifest, push
 * and fetch blobs, push a manifest. Every failure becomes one {@link UserInputException} line that names the
 * registry and the cause (unreachable, credentials refused, unknown tag, untrusted certificate), never a
 * password.
 */
final class RegistryClient {
    /** ORAS logs requests, and failures with stack traces; a command line shows our own lines instead. */
    private static final Logger ORAS_LOG = Logger.getLogger("land.oras");

    static {
        ORAS_LOG.setLevel(Level.OFF); // its failures reach the user as our one-line errors, not as stack traces
    }

    private final RegistryOptions options;
    private final Map<String, Registry> byHost = new HashMap<>();

    RegistryClient(RegistryOptions options) {
        this.options = options;
    }

    /** A resolved manifest: its digest (checked against its bytes) and its text. */
    record Resolved(String digest, String json) {
    }

    /** Looks the reference up; a tag resolves to the digest it points at now. */
    Resolved resolve(OciReference reference) {
        Descriptor descriptor = call(reference, "read", () -> registry(reference).getDescriptor(ref(reference)));
        String json = descriptor.getJson();
        if (json == null) {
            throw new UserInputException(reference + ": the registry returned no manifest");
        }
        String digest = "sha256:" + io.qsvit.artifact.Digests.of(json.getBytes(StandardCharsets.UTF_8));
        if (reference.digest() != null && !reference.digest().equals(digest)) {
            throw new UserInputException(reference + ": the registry returned a manifest with digest " + digest
                    + ", not the one asked for");
        }
        String type = descriptor.getMediaType();
        if (type != null && !type.startsWith(MediaTypes.MANIFEST)) {
            throw new UserInputException(reference + " is not a qsvit artifact: the registry serves it as " + type
                    + ", not " + MediaTypes.MANIFEST);
        }
        return new Resolved(digest, json);
    }

    /**
     * Uploads a file unless the registry has it. Through ORAS's streaming upload (an empty POST, then a PUT with
     * the content): its one-request form POSTs the whole file, which registries without monolithic POST (the
     * CNCF Distribution registry) answer before reading it, and Java's HTTP/2 client then waits forever for
     * flow-control credit.
     */
    void pushBlob(OciReference repository, Path file, String digest, long size) {
        call(repository, "push to", () -> registry(repository).pushBlob(ref(repository).withDigest(digest), size,
                () -> {
                    try {
                        return Files.newInputStream(file);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, Map.of()));
    }

    void pushBlob(OciReference repository, byte[] bytes) {
        call(repository, "push to", () -> registry(repository).pushBlob(ref(repository), bytes));
    }

    /** Puts the manifest's exact bytes under the reference's tag (or digest). */
    void pushManifest(OciReference reference, byte[] manifest) {
        Manifest parsed = Manifest.fromJson(new String(manifest, StandardCharsets.US_ASCII)); // keeps these bytes
        call(reference, "push to", () -> registry(reference).pushManifest(ref(reference), parsed));
    }

    /** Downloads a blob into {@code target} (checked by the caller against the manifest's digest). */
    void fetchBlob(OciReference repository, String digest, Path target) {
        call(repository, "read", () -> {
            registry(repository).fetchBlob(ref(repository).withDigest(digest), target);
            return null;
        });
    }

    private ContainerRef ref(OciReference reference) {
        return ContainerRef.parse(reference.target());
    }

    private Registry registry(OciReference reference) {
        return byHost.computeIfAbsent(reference.host(), this::connect);
    }

    private Registry connect(String host) {
        Registry.Builder builder = Registry.builder();
        if (options.hasCredentials()) {
            builder.defaults(options.username(), options.password());
        } else {
            List<Path> files = options.authFiles().stream().filter(Files::isRegularFile).toList();
            try {
                builder.withAuthProvider(new AuthStoreAuthenticationProvider(AuthStore.newStore(files)));
            } catch (OrasException e) {
                throw new UserInputException("cannot read registry credentials from " + files + ": " + e.getMessage());
            }
        }
        if (options.insecure(host)) {
            boolean plain = speaksPlainHttp(host);
            builder.withInsecure(plain).withSkipTlsVerify(!plain);
        } else if (options.caFile() != null) {
            if (!Files.isRegularFile(options.caFile())) {
                throw new UserInputException("registry CA file not found: " + options.caFile());
            }
            builder.withCaFile(options.caFile());
        }
        try {
            return builder.build();
        } catch (OrasException | IllegalArgumentException e) {
            throw new UserInputException("cannot set up TLS for registry " + host + ": " + e.getMessage());
        }
    }

    /**
     * For an insecure host, as container tools do: plain HTTP when the registry answers the API check there
     * (200, or 401 asking for credentials), TLS without verification otherwise.
     */
    private static boolean speaksPlainHttp(String host) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + "/v2/"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 || status == 401;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(OciReference reference, String verb, Call<T> call) {
        try {
            return call.run();
        } catch (OrasException e) {
            throw new UserInputException(describe(reference, verb, e), e);
        } catch (UserInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserInputException("cannot " + verb + " " + reference + ": " + rootCause(e), e);
        }
    }

    private String describe(OciReference reference, String verb, OrasException e) {
        Integer status = e.getStatusCode();
        String host = reference.host();
        if (status != null && status >= 100) { // ORAS reports -1 when no HTTP answer came
            return switch (status) {
                case 401 -> "registry " + host + " refused "
                        + (options.hasCredentials() ? "the credentials for " + options.username()
                        : "access without credentials (give --registry-username and --registry-password-stdin, "
                        + RegistryOptions.USERNAME_VARIABLE + "/" + RegistryOptions.PASSWORD_VARIABLE
                        + ", or log in with docker/podman/oras)")
                        + " (HTTP 401 unauthorized)";
                case 403 -> "registry " + host + " denied access to " + reference.repository() + " (HTTP 403 forbidden)";
                case 404 -> reference + " not found (unknown " + (reference.digest() != null ? "digest" : "tag")
                        + " or repository; HTTP 404)";
                default -> "cannot " + verb + " " + reference + ": registry " + host + " answered HTTP " + status
                        + errorText(e);
            };
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause instanceof SSLException) {
                return "cannot " + verb + " " + reference + ": the TLS connection to " + host + " failed ("
                        + cause.getMessage() + "); trust its certificate authority with --registry-ca FILE, or "
                        + "give --insecure-registry " + host + " to skip verification";
            }
            if (cause instanceof ConnectException || cause instanceof HttpTimeoutException
                    || cause instanceof java.nio.channels.UnresolvedAddressException) {
                return "cannot reach registry " + host + " (" + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
            }
        }
        return "cannot " + verb + " " + reference + ": " + rootCause(e);
    }

    private static String errorText(OrasException e) {
        return e.getError() == null || e.getError().message() == null ? "" : " (" + e.getError().message() + ")";
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
