package io.qsvit.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real OCI registry for the tests: Debian's {@code docker-registry} (the CNCF Distribution registry) on
 * 127.0.0.1 at a free port, storing into a temporary folder. {@link #plain} speaks HTTP without
 * authentication; {@link #secured} speaks TLS with a self-signed certificate made by {@code openssl} and asks
 * for htpasswd basic authentication (a bcrypt entry made by {@code htpasswd}). The access log is kept, so a
 * test can check the order of the requests a push made.
 */
public final class LocalRegistry implements AutoCloseable {
    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret-Pa55";
    private static final Pattern REQUEST = Pattern.compile("\"(GET|HEAD|PUT|POST|PATCH|DELETE) (\\S+) HTTP/[0-9.]+\"");

    private final Process process;
    private final int port;
    private final Path folder;
    private final Path certificate;

    private LocalRegistry(Process process, int port, Path folder, Path certificate) {
        this.process = process;
        this.port = port;
        this.folder = folder;
        this.certificate = certificate;
    }

    public static LocalRegistry plain(Path folder) throws IOException, InterruptedException {
        return start(folder, false);
    }

    public static LocalRegistry secured(Path folder) throws IOException, InterruptedException {
        return start(folder, true);
    }

    private static LocalRegistry start(Path folder, boolean secured) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        StringBuilder config = new StringBuilder("version: 0.1\nlog:\n  level: info\n  formatter: text\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(folder.resolve("data")).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        Path certificate = null;
        if (secured) {
            certificate = folder.resolve("cert.pem");
            Path key = folder.resolve("key.pem");
            run(folder, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                    certificate.toString(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
            Path htpasswd = folder.resolve("htpasswd");
            Files.writeString(htpasswd, run(folder, "htpasswd", "-Bbn", USER, PASSWORD));
            config.append("  tls:\n    certificate: ").append(certificate).append("\n    key: ").append(key).append('\n')
                    .append("auth:\n  htpasswd:\n    realm: qsvit-test\n    path: ").append(htpasswd).append('\n');
        }
        Path file = folder.resolve("config.yml");
        Files.writeString(file, config);
        Process process = new ProcessBuilder(binary(), "serve", file.toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(process, port, folder, certificate);
        registry.awaitReady();
        return registry;
    }

    /** Debian installs the registry as docker-registry; the upstream binary is called registry. */
    private static String binary() {
        for (String candidate : List.of("/usr/bin/docker-registry", "/usr/bin/registry")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Debian's docker-registry is not installed (.ci/run installs it: "
                + "apt-get install docker-registry skopeo apache2-utils openssl)");
    }

    private static String run(Path folder, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient client = client();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(folder.resolve("registry.log")));
            }
            try {
                int status = client.send(HttpRequest.newBuilder(URI.create(scheme() + "://" + host() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on " + host());
    }

    /** An HTTP client that trusts this registry's certificate (and only it), for requests the tests make themselves. */
    public HttpClient client() {
        if (certificate == null) {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        try (var in = Files.newInputStream(certificate)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String scheme() {
        return certificate == null ? "http" : "https";
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** {@code oci://127.0.0.1:PORT/REPOSITORY:TAG}. */
    public OciReference reference(String repositoryAndTag) {
        return OciReference.parse("oci://" + host() + "/" + repositoryAndTag);
    }

    /** The self-signed certificate of a secured registry (null for a plain one). */
    public Path certificate() {
        return certificate;
    }

    /** Method and path of every request the registry logged, in order. */
    public List<String> requests() throws IOException {
        List<String> requests = new ArrayList<>();
        Matcher m = REQUEST.matcher(Files.readString(folder.resolve("registry.log")));
        while (m.find()) {
            requests.add(m.group(1) + " " + m.group(2));
        }
        return requests;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
